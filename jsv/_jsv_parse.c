/*
 * jsv/_jsv_parse.c: untyped decoding, decode() and decode_raw_keys(): the iterative
 * parser, specialised per PEP 393 kind (and reading valid UTF-8 bytes in place), with
 * the input checks and the DecodeError of malformed text.
 */
#include "_jsv.h"
#include "_jsv_text.h"

/* ------------------------------------------------------------------------------------ */
/* Decoding: input                                                                      */

/* Like text_of() in _decode.py: a new reference to the str to parse, or NULL. */
static PyObject *
text_of(JsvState *st, PyObject *data)
{
    if (PyUnicode_Check(data)) {
        if (PyUnicode_READY(data) < 0) return NULL;
        Py_INCREF(data);
        return data;
    }
    if (PyMemoryView_Check(data)) {
        /* a view that is not C-contiguous (memoryview(b"[a]")[::2]): its bytes, as
         * contiguous() in _decode.py reads them; a released view is refused below */
        Py_buffer view;
        if (PyObject_GetBuffer(data, &view, PyBUF_SIMPLE) == 0) {
            PyBuffer_Release(&view); /* flat: decoded in place below */
        }
        else {
            PyErr_Clear();
            if (PyObject_GetBuffer(data, &view, PyBUF_FULL_RO) < 0) {
                PyErr_Clear();
            }
            else {
                PyBuffer_Release(&view);
                PyObject *copy = PyBytes_FromObject(data);
                if (copy == NULL) return NULL;
                PyObject *text = text_of(st, copy);
                Py_DECREF(copy);
                return text;
            }
        }
    }
    if (PyBytes_Check(data) || PyByteArray_Check(data) || PyMemoryView_Check(data)) {
        PyObject *text = PyUnicode_FromEncodedObject(data, "utf-8", "strict");
        if (text != NULL) return text;
        if (!PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) return NULL;
        PyObject *type, *value, *tb;
        PyErr_Fetch(&type, &value, &tb);
        PyErr_NormalizeException(&type, &value, &tb);
        Py_ssize_t start = 0;
        PyObject *reason = NULL, *raw = NULL, *msg = NULL;
        if (value != NULL && PyUnicodeDecodeError_GetStart(value, &start) == 0 &&
            (reason = PyUnicodeDecodeError_GetReason(value)) != NULL &&
            (raw = PyBytes_FromObject(data)) != NULL &&
            (msg = jsv_format_message(st, st->MSG_INVALID_UTF8, st->str_reason, reason, NULL,
                                      NULL)) != NULL) {
            jsv_raise_decode_error(st, msg, raw, start);
        }
        Py_XDECREF(reason);
        Py_XDECREF(raw);
        Py_XDECREF(msg);
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
        return NULL;
    }
    PyObject *name = jsv_type_name(st, data);
    if (name != NULL) {
        PyObject *msg =
            jsv_format_message(st, st->MSG_BAD_INPUT_TYPE, st->str_type, name, NULL, NULL);
        if (msg != NULL) {
            PyErr_SetObject(PyExc_TypeError, msg);
            Py_DECREF(msg);
        }
        Py_DECREF(name);
    }
    return NULL;
}

/* True when the n bytes at s are valid UTF-8. */
static int
valid_utf8(const unsigned char *s, Py_ssize_t n)
{
    for (Py_ssize_t i = first_non_ascii(s, 0, n); i < n; i = first_non_ascii(s, i, n)) {
        Py_ssize_t len = utf8_sequence(s, i, n);
        if (len == 0) return 0;
        i += len;
    }
    return 1;
}

/* The document as a str (created on demand when parsing bytes directly). */
static PyObject *
parser_doc(Parser *p)
{
    if (p->doc == NULL) {
        p->doc = p->utf8 ? PyUnicode_DecodeUTF8(p->data, p->n, "strict")
                         : PyUnicode_DecodeASCII(p->data, p->n, "strict");
    }
    return p->doc;
}

/* An untyped decode of UTF-8 bytes does not validate them before it parses: every
 * non-ASCII byte is either in a token, which is decoded strictly into its str, or in
 * whitespace, whose sequences ws_len() and rstrip_end() check. So a document that parses
 * is valid UTF-8. Where the parse fails, the whole document is checked first, as the
 * reference decodes it before it parses: invalid UTF-8 anywhere is then the error,
 * whatever else is wrong. */
int
jsv_parser_check_utf8(Parser *p)
{
    if (!p->unchecked) return 0;
    p->unchecked = 0;
    if (valid_utf8(p->data, p->n)) return 0;
    gc_end(p); /* DecodeError is a Python class */
    PyObject *bytes = PyBytes_FromStringAndSize(p->data, p->n);
    if (bytes == NULL) return -1;
    PyObject *text = text_of(p->st, bytes); /* raises the DecodeError of the first bad byte */
    Py_DECREF(bytes);
    if (text == NULL) return -1;
    Py_DECREF(text);
    return 0;
}

PyObject *
jsv_parser_token_not_utf8(Parser *p)
{
    if (!p->unchecked || !PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) return NULL;
    PyErr_Clear();
    if (jsv_parser_check_utf8(p) == 0) {
        PyErr_SetString(PyExc_SystemError, "a token of valid UTF-8 did not decode");
    }
    return NULL;
}

/* pos as a character position (it is a byte offset when UTF-8 bytes are parsed in place) */
static Py_ssize_t
parser_char_pos(Parser *p, Py_ssize_t pos)
{
    if (p->utf8) {
        const Py_UCS1 *d = p->data;
        Py_ssize_t chars = 0;
        for (Py_ssize_t i = 0; i < pos; i++) chars += (d[i] & 0xC0) != 0x80;
        pos = chars;
    }
    return pos;
}

void
jsv_parser_error(Parser *p, PyObject *msg, Py_ssize_t pos)
{
    gc_end(p); /* DecodeError is a Python class */
    if (jsv_parser_check_utf8(p) < 0) return;
    PyObject *doc = parser_doc(p);
    if (doc == NULL) return;
    jsv_raise_decode_error(p->st, msg, doc, parser_char_pos(p, pos));
}

/* The input ends inside the map or list opened at open_pos: the error is at the end of
 * the input, where its closer is missing, and the message (jsv._errors.unterminated) says
 * where it opened. */
void
jsv_parser_unterminated(Parser *p, int is_map, Py_ssize_t open_pos)
{
    gc_end(p);
    if (jsv_parser_check_utf8(p) < 0) return;
    PyObject *doc = parser_doc(p);
    if (doc == NULL) return;
    PyObject *msg = PyObject_CallFunction(
        p->st->py_unterminated, "OOn",
        is_map ? p->st->MSG_UNTERMINATED_MAP : p->st->MSG_UNTERMINATED_LIST, doc,
        parser_char_pos(p, open_pos));
    if (msg == NULL) return;
    jsv_raise_decode_error(p->st, msg, doc, PyUnicode_GET_LENGTH(doc));
    Py_DECREF(msg);
}

/* The key text of a map written as a key (doc[start:end]), through map_key if given. */
static PyObject *
map_key_text(Parser *p, int kind, Py_ssize_t start, Py_ssize_t end)
{
    PyObject *text = substring(p, kind, start, end);
    if (text == NULL || p->map_key == NULL) return text;
    PyObject *key = PyObject_CallOneArg(p->map_key, text);
    Py_DECREF(text);
    return key;
}

/* A parent of the container being parsed. */
typedef struct {
    Py_ssize_t base; /* where its items start on the value stack */
    Py_ssize_t open_pos;
    char is_map;
    char is_key;
} DecodeFrame;

int
jsv_vs_grow(ValueStack *vs)
{
    Py_ssize_t cap = vs->cap * 2;
    PyObject **items;
    if (vs->items == vs->local) {
        items = PyMem_Malloc(sizeof(PyObject *) * (size_t)cap);
        if (items != NULL) memcpy(items, vs->local, sizeof(vs->local));
    }
    else {
        items = PyMem_Realloc(vs->items, sizeof(PyObject *) * (size_t)cap);
    }
    if (items == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    vs->items = items;
    vs->cap = cap;
    return 0;
}

/* The map or list whose items are vs[base:top]; the items are consumed. */
static PyObject *
vs_build(ValueStack *vs, Py_ssize_t base, int is_map)
{
    Py_ssize_t n = vs->top - base;
    PyObject **items = vs->items + base;
    PyObject *result;
    if (is_map) {
        result = jsv_new_dict(n / 2);
        if (result == NULL) {
            vs_drop(vs, base);
            return NULL;
        }
        for (Py_ssize_t i = 0; i < n; i += 2) {
            if (PyDict_SetItem(result, items[i], items[i + 1]) < 0) {
                Py_DECREF(result);
                vs_drop(vs, base);
                return NULL;
            }
        }
        vs_drop(vs, base);
    }
    else {
        result = PyList_New(n);
        if (result == NULL) {
            vs_drop(vs, base);
            return NULL;
        }
        for (Py_ssize_t i = 0; i < n; i++) PyList_SET_ITEM(result, i, items[i]);
        vs->top = base;
    }
    return result;
}

/* A value has been pushed into a map: its key must be hashable now, as when the pure
 * kernel stores the entry (a key from map_key may be any object). */
ALWAYS_INLINE int
check_key(ValueStack *vs)
{
    PyObject *key = vs->items[vs->top - 2];
    if (LIKELY(PyUnicode_CheckExact(key))) return 0;
    return PyObject_Hash(key) == -1 ? -1 : 0;
}

#define DECODE_LOCAL_FRAMES 32

/* The parents of the container being parsed, innermost last. */
typedef struct {
    DecodeFrame *stack; /* local, or on the heap once deeper than DECODE_LOCAL_FRAMES */
    Py_ssize_t depth;   /* how many */
    Py_ssize_t capacity;
    DecodeFrame local[DECODE_LOCAL_FRAMES];
} DecodeFrames;

static int
frames_grow(DecodeFrames *f)
{
    Py_ssize_t capacity = f->capacity * 2;
    DecodeFrame *grown;
    if (f->stack == f->local) {
        grown = PyMem_Malloc(sizeof(DecodeFrame) * (size_t)capacity);
        if (grown != NULL) memcpy(grown, f->local, sizeof(f->local));
    }
    else {
        grown = PyMem_Realloc(f->stack, sizeof(DecodeFrame) * (size_t)capacity);
    }
    if (grown == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    f->stack = grown;
    f->capacity = capacity;
    return 0;
}

/* Make the container opening at open (a map written as a key if is_key) the current one,
 * cur, whose items start at the top of the value stack; the one it replaces becomes its
 * parent. 0, or -1 with an exception. */
ALWAYS_INLINE int
frames_push(DecodeFrames *f, DecodeFrame *cur, Py_ssize_t top, int is_map, Py_ssize_t open,
            int is_key)
{
    if (UNLIKELY(f->depth == f->capacity) && frames_grow(f) < 0) return -1;
    f->stack[f->depth++] = *cur;
    cur->base = top;
    cur->open_pos = open;
    cur->is_map = (char)is_map;
    cur->is_key = (char)is_key;
    return 0;
}

/* The current container is complete: its parent is current again. */
ALWAYS_INLINE void
frames_pop(DecodeFrames *f, DecodeFrame *cur)
{
    *cur = f->stack[--f->depth];
}

/* What the steps of parse_container() give besides -1 (an error, with an exception). */
enum {
    STEP_DONE = 0,       /* the item (key, value) is on the value stack */
    STEP_OPENED = 1,     /* a container opened: it is the current one */
    STEP_CLOSED = 2,     /* after_value(): the current container's closer is passed */
    STEP_KEY_READY = 3,  /* close_container(): a map written as a key is its parent's key */
    STEP_FINISHED = 4,   /* close_container(): the outermost container is complete */
};

/* The key of the map entry at *pos, pushed on vs, with *pos after its ':' (STEP_DONE), or
 * a map written as a key opened (STEP_OPENED, *pos inside it), or -1. (data and n are
 * p's, passed so that they stay in registers across the calls of the loop.) */
ALWAYS_INLINE int
parse_key(Parser *p, const int kind, const void *data, const Py_ssize_t n, Py_ssize_t *pos,
          DecodeFrames *f, DecodeFrame *cur, ValueStack *vs)
{
    PyObject *key;
    Py_ssize_t k = skip_ws(p, data, kind, *pos, n), q;
    Py_UCS4 c = k < n ? CH(k) : 0xFFFFFFFF;
    if (c == '"') {
        key = parse_quoted(p, kind, k, &q, 1);
    }
    else if (c == '{') {
        if (f->depth + 2 > p->max_depth) {
            jsv_parser_error(p, p->st->MSG_TOO_DEEP, k);
            return -1;
        }
        q = skip_ws(p, data, kind, k + 1, n);
        if (q >= n || CH(q) != '}') {
            *pos = k + 1;
            return frames_push(f, cur, vs->top, 1, k, 1) < 0 ? -1 : STEP_OPENED;
        }
        key = map_key_text(p, kind, k, ++q);
    }
    else {
        Py_ssize_t s = p->trim ? k : *pos;
        q = scan_for(data, kind, s, n, ':', ',', '}');
        if (q >= n) {
            jsv_parser_unterminated(p, 1, cur->open_pos);
            return -1;
        }
        if (CH(q) != ':') {
            jsv_parser_error(p, p->st->MSG_EXPECTED_COLON, q);
            return -1;
        }
        key = key_string(p, kind, s, p->trim ? rstrip_end(p, data, kind, s, q) : q);
        if (key == NULL || vs_push(vs, key) < 0) return -1;
        *pos = q + 1;
        return STEP_DONE;
    }
    if (key == NULL || vs_push(vs, key) < 0) return -1;
    *pos = expect_colon(p, kind, q, cur->open_pos);
    return *pos < 0 ? -1 : STEP_DONE;
}

/* The value at *pos, pushed on vs, with *pos after it (STEP_DONE), or a container opened
 * (STEP_OPENED, *pos inside it), or -1. */
ALWAYS_INLINE int
parse_value(Parser *p, const int kind, const void *data, const Py_ssize_t n, Py_ssize_t *pos,
            DecodeFrames *f, DecodeFrame *cur, ValueStack *vs)
{
    PyObject *value;
    Py_ssize_t v = *pos, q;
    Py_UCS4 c = v < n ? CH(v) : 0xFFFFFFFF;
    if (c != 0xFFFFFFFF && ws_len(p, data, kind, v)) {
        v = skip_ws(p, data, kind, v, n);
        c = v < n ? CH(v) : 0xFFFFFFFF;
    }
    if (c == '{' || c == '[') {
        if (f->depth + 2 > p->max_depth) {
            jsv_parser_error(p, p->st->MSG_TOO_DEEP, v);
            return -1;
        }
        q = skip_ws(p, data, kind, v + 1, n);
        if (q >= n || CH(q) != (Py_UCS4)(c == '{' ? '}' : ']')) {
            *pos = v + 1;
            return frames_push(f, cur, vs->top, c == '{', v, 0) < 0 ? -1 : STEP_OPENED;
        }
        value = c == '{' ? PyDict_New() : PyList_New(0);
        *pos = q + 1;
    }
    else if (c == '"') {
        value = parse_quoted(p, kind, v, pos, 0);
    }
    else {
        Py_ssize_t s = p->trim ? v : *pos;
        q = cur->is_map ? scan_for(data, kind, s, n, ',', '}', '}')
                        : scan_for(data, kind, s, n, ',', ']', ']');
        *pos = q;
        if (p->trim) q = rstrip_end(p, data, kind, s, q);
        if (q == s) {
            value = Py_None;
            Py_INCREF(value);
        }
        else {
            value = value_string(p, kind, s, q);
        }
    }
    if (value == NULL || vs_push(vs, value) < 0) return -1;
    return cur->is_map && check_key(vs) < 0 ? -1 : STEP_DONE;
}

/* After a value of the current container: *pos after its separator (STEP_DONE) or after
 * its closer (STEP_CLOSED), or -1. */
ALWAYS_INLINE int
after_value(Parser *p, const int kind, const void *data, const Py_ssize_t n, Py_ssize_t *pos,
            const DecodeFrame *cur)
{
    Py_ssize_t i = *pos;
    for (;;) {
        if (i >= n) {
            jsv_parser_unterminated(p, cur->is_map, cur->open_pos);
            return -1;
        }
        Py_UCS4 c = CH(i);
        if (c == ',') {
            *pos = i + 1;
            return STEP_DONE;
        }
        if (c == (Py_UCS4)(cur->is_map ? '}' : ']')) {
            *pos = i + 1;
            return STEP_CLOSED;
        }
        if (!ws_len(p, data, kind, i)) {
            jsv_parser_error(
                p, cur->is_map ? p->st->MSG_EXPECTED_MAP_SEP : p->st->MSG_EXPECTED_LIST_SEP, i);
            return -1;
        }
        i = skip_ws(p, data, kind, i, n);
    }
}

/* The current container is complete (*pos after its closer). Its parent becomes current
 * with it as its next value (STEP_DONE), or as its next key, *pos after the ':'
 * (STEP_KEY_READY, a map written as a key); or it is the outermost, set in *done
 * (STEP_FINISHED). -1 on error. */
ALWAYS_INLINE int
close_container(Parser *p, const int kind, Py_ssize_t *pos, DecodeFrames *f, DecodeFrame *cur,
                ValueStack *vs, PyObject **done)
{
    if (cur->is_key) {
        /* a map written as a key: the key is its text */
        Py_ssize_t open = cur->open_pos;
        vs_drop(vs, cur->base);
        frames_pop(f, cur);
        PyObject *key = map_key_text(p, kind, open, *pos);
        if (key == NULL || vs_push(vs, key) < 0) return -1;
        *pos = expect_colon(p, kind, *pos, cur->open_pos);
        return *pos < 0 ? -1 : STEP_KEY_READY;
    }
    PyObject *container = vs_build(vs, cur->base, cur->is_map);
    if (container == NULL) return -1;
    if (f->depth == 0) {
        *done = container;
        return STEP_FINISHED;
    }
    frames_pop(f, cur);
    if (vs_push(vs, container) < 0) return -1;
    return cur->is_map && check_key(vs) < 0 ? -1 : STEP_DONE;
}

/* Parse the map or list opening at pos; *end_out receives the position after it. Each
 * container's items go on one value stack, and the container is built at its closer; the
 * open containers are frames of an explicit stack (no recursion), at most max_depth. */
ALWAYS_INLINE PyObject *
parse_container(Parser *p, const int kind, Py_ssize_t pos, Py_ssize_t *end_out)
{
    const void *data = p->data;
    const Py_ssize_t n = p->n;
    int is_map = CH(pos) == '{';
    Py_ssize_t q = skip_ws(p, data, kind, pos + 1, n);
    if (q < n && CH(q) == (Py_UCS4)(is_map ? '}' : ']')) {
        *end_out = q + 1;
        return is_map ? PyDict_New() : PyList_New(0);
    }
    DecodeFrames f;
    f.stack = f.local;
    f.depth = 0;
    f.capacity = DECODE_LOCAL_FRAMES;
    DecodeFrame cur = {.base = 0, .open_pos = pos, .is_map = (char)is_map, .is_key = 0};
    ValueStack vs;
    vs_init(&vs);
    PyObject *done = NULL;
    int step = STEP_DONE;
    pos++;
    for (;;) {
        /* one item of the current container, starting at pos */
        if (cur.is_map && step != STEP_KEY_READY) {
            step = parse_key(p, kind, data, n, &pos, &f, &cur, &vs);
            if (step != STEP_DONE) {
                if (step < 0) break;
                continue; /* STEP_OPENED: the map written as a key is current */
            }
        }
        step = parse_value(p, kind, data, n, &pos, &f, &cur, &vs);
        if (step != STEP_DONE) {
            if (step < 0) break;
            continue; /* STEP_OPENED */
        }
        /* a separator, or the closer (and maybe the parents' closers too) */
        while ((step = after_value(p, kind, data, n, &pos, &cur)) == STEP_CLOSED) {
            step = close_container(p, kind, &pos, &f, &cur, &vs, &done);
            if (step != STEP_DONE) break;
        }
        if (step < 0 || step == STEP_FINISHED) break;
    }
    if (f.stack != f.local) PyMem_Free(f.stack);
    vs_free(&vs);
    if (done != NULL) *end_out = pos;
    return done;
}

/* Parse a whole document (parse() in _decode.py). */
ALWAYS_INLINE PyObject *
parse_document(Parser *p, const int kind)
{
    const void *data = p->data;
    Py_ssize_t n = p->n;
    Py_ssize_t start = document_start(p, kind);
    if (start == n) Py_RETURN_NONE;
    Py_UCS4 first = CH(start);
    PyObject *value;
    Py_ssize_t pos;
    if (first == '{' || first == '[') {
        value = parse_container(p, kind, start, &pos);
    }
    else if (first == '"') {
        value = parse_quoted(p, kind, start, &pos, 0);
    }
    else {
        Py_ssize_t end = rstrip_end(p, data, kind, start, n);
        return substring(p, kind, start, end);
    }
    if (value == NULL) return NULL;
    pos = skip_ws(p, data, kind, pos, n);
    if (pos != n) {
        Py_DECREF(value);
        jsv_parser_error(p, p->st->MSG_EXTRA_DATA, pos);
        return NULL;
    }
    return value;
}

static PyObject *
parse_ucs1(Parser *p)
{
    return parse_document(p, PyUnicode_1BYTE_KIND);
}

static PyObject *
parse_ucs2(Parser *p)
{
    return parse_document(p, PyUnicode_2BYTE_KIND);
}

static PyObject *
parse_ucs4(Parser *p)
{
    return parse_document(p, PyUnicode_4BYTE_KIND);
}

/* Point the parser at the text of `data`, setting *kind to its PEP 393 kind (1 for bytes).
 * ASCII bytes are their own text and UTF-8 bytes are parsed in place too (structural
 * characters are ASCII; positions are byte offsets until an error turns one into a
 * character position): the str is made only for an error message. With `check_utf8` the
 * bytes are validated first; without, as they are parsed (see jsv_parser_check_utf8()). A
 * str is parsed as it is. Anything else goes through text_of() when `convert_others` is set (which raises for
 * invalid UTF-8 or a wrong type); otherwise 0 is returned and the caller decides.
 * Returns 1 when the parser is set, -1 with an exception. */
int
jsv_parser_set_input(Parser *p, PyObject *data, int *kind, int convert_others, int check_utf8)
{
    p->unchecked = 0;
    p->wide_from = 0;
    p->wide_at = -1; /* not looked for yet */
    if (PyBytes_CheckExact(data)) {
        const unsigned char *bytes = (const unsigned char *)PyBytes_AS_STRING(data);
        Py_ssize_t size = PyBytes_GET_SIZE(data);
        int ascii = all_ascii(bytes, size);
        if (ascii || !check_utf8 || valid_utf8(bytes, size)) {
            p->doc = NULL;
            p->data = PyBytes_AS_STRING(data);
            p->n = size;
            p->ascii = ascii;
            p->utf8 = !ascii;
            p->unchecked = !ascii && !check_utf8;
            *kind = PyUnicode_1BYTE_KIND;
            return 1;
        }
    }
    if (!convert_others && !PyUnicode_Check(data)) return 0;
    p->doc = text_of(p->st, data);
    if (p->doc == NULL) return -1;
    p->data = PyUnicode_DATA(p->doc);
    p->n = PyUnicode_GET_LENGTH(p->doc);
    p->ascii = PyUnicode_IS_ASCII(p->doc);
    p->utf8 = 0;
    *kind = PyUnicode_KIND(p->doc);
    return 1;
}

static PyObject *
decode_impl(JsvState *st, PyObject *data, PyObject *trim_obj, PyObject *map_key)
{
    int trim = PyObject_IsTrue(trim_obj);
    if (trim < 0) return NULL;
    Parser p;
    int kind;
    parser_init(&p, st, trim, map_key);
    if (jsv_caches_enter(st) < 0 || jsv_parser_set_input(&p, data, &kind, 1, 0) < 0) return NULL;
    Py_INCREF(data);
    PyObject *result;
    /* map_key is Python code: no pause then */
    if (map_key == NULL) gc_pause(&p);
    switch (kind) {
    case PyUnicode_1BYTE_KIND:
        result = parse_ucs1(&p);
        break;
    case PyUnicode_2BYTE_KIND:
        result = parse_ucs2(&p);
        break;
    default:
        result = parse_ucs4(&p);
        break;
    }
    gc_end(&p);
    Py_XDECREF(p.doc);
    Py_DECREF(data);
    return result;
}

const char jsv_decode_doc[] = PyDoc_STR(
             "decode($module, /, data, trim)\n--\n\n"
             "Decode data (str or UTF-8 bytes-like) into a tree of dict, list, str and None.");

PyObject *
jsv_decode(PyObject *module, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    JsvState *st = jsv_state(module);
    static const char *const names[] = {"data", "trim"};
    PyObject *a[2];
    if (kwnames == NULL && nargs == 2) {
        return decode_impl(st, args[0], args[1], NULL);
    }
    if (jsv_unpack_args("decode", names, 2, 2, args, nargs, kwnames, a) < 0) return NULL;
    return decode_impl(st, a[0], a[1], NULL);
}

const char jsv_decode_raw_keys_doc[] = PyDoc_STR(
             "decode_raw_keys($module, /, data, trim, map_key)\n--\n\n"
             "Like decode(), passing the text of every map-valued key through map_key.");

PyObject *
jsv_decode_raw_keys(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                         PyObject *kwnames)
{
    JsvState *st = jsv_state(module);
    static const char *const names[] = {"data", "trim", "map_key"};
    PyObject *a[3];
    if (jsv_unpack_args("decode_raw_keys", names, 3, 3, args, nargs, kwnames, a) < 0) return NULL;
    return decode_impl(st, a[0], a[1], a[2]);
}

PyObject *
jsv_parse_container(Parser *p, int kind, Py_ssize_t pos, Py_ssize_t *end_out)
{
    switch (kind) {
    case PyUnicode_1BYTE_KIND:
        return parse_container(p, PyUnicode_1BYTE_KIND, pos, end_out);
    case PyUnicode_2BYTE_KIND:
        return parse_container(p, PyUnicode_2BYTE_KIND, pos, end_out);
    default:
        return parse_container(p, PyUnicode_4BYTE_KIND, pos, end_out);
    }
}
