/*
 * jsv._speedups: the C twin of the pure-Python kernel (jsv/_decode.py, jsv/_encode.py).
 *
 * decode(data, trim), decode_raw_keys(data, trim, map_key) and
 * encode(obj, rename, indent, default, keep_none) behave exactly like the functions of
 * jsv._pure: same values, same exception classes, messages and positions. The message
 * texts and MAX_DEPTH are read from jsv._errors when the module is initialised; the rare
 * encoder cases (enums, dates, decimals, dataclass field tables, error paths, ...) call the
 * Python helpers of jsv._encode, so that their output cannot drift apart.
 *
 * Both the decoder and the encoder are iterative, with an explicit stack bounded by
 * MAX_DEPTH, so no input can make them recurse.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "_compat.h"

#include <math.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__)
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#define ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#define LIKELY(x) (x)
#define UNLIKELY(x) (x)
#define ALWAYS_INLINE static inline
#endif

/* ------------------------------------------------------------------------------------ */
/* Module state (single-phase init; the module holds strong references to these).       */

static PyObject *DecodeError;
static PyObject *EncodeError;
static PyObject *ScalarError;
static Py_ssize_t MAX_DEPTH;

static PyObject *MSG_UNTERMINATED_STRING;
static PyObject *MSG_UNTERMINATED_MAP;
static PyObject *MSG_UNTERMINATED_LIST;
static PyObject *MSG_EXPECTED_COLON;
static PyObject *MSG_EXPECTED_MAP_SEP;
static PyObject *MSG_EXPECTED_LIST_SEP;
static PyObject *MSG_EXTRA_DATA;
static PyObject *MSG_TOO_DEEP;
static PyObject *MSG_INVALID_UTF8;
static PyObject *MSG_BAD_INPUT_TYPE;
static PyObject *MSG_UNSUPPORTED_KEY;
static PyObject *MSG_SINGLE_NONE_LIST;
static PyObject *MSG_CIRCULAR;
static PyObject *MSG_ENCODE_TOO_DEEP;
static PyObject *MSG_LONE_SURROGATE;
static PyObject *py_unterminated;  /* jsv._errors.unterminated */

static PyObject *py_encode;        /* jsv._encode.encode */
static PyObject *py_encode_bytes;  /* jsv._encode.encode_bytes */
static PyObject *py_scalar_token;  /* jsv._encode._scalar_token */
static PyObject *py_key_token;     /* jsv._encode._key_token */
static PyObject *py_field_reader;  /* jsv._encode._field_reader */
static PyObject *py_path;          /* jsv._encode._path */
static PyObject *py_resolve;       /* jsv._encode._resolve */
static PyObject *py_rename_function; /* jsv._naming.rename_function */
static PyObject *py_partial;       /* functools.partial */
static PyObject *py_sorted;        /* builtins.sorted */
static PyObject *rename_camel, *rename_pascal, *rename_snake; /* the policy functions */

static PyObject *str_camel, *str_pascal, *str_snake, *str_colon, *str_colon_space;
static PyObject *str_char;
static PyObject *str_empty, *str_quote, *str_dquote, *str_format, *str_type, *str_path,
    *str_reason, *str_name, *str_items, *str_dataclass_fields, *str_key,
    *str_rename, *str_indent, *str_default, *str_str_method;

/* ------------------------------------------------------------------------------------ */
/* Errors                                                                               */

static void
raise_decode_error(PyObject *msg, PyObject *doc, Py_ssize_t pos)
{
    PyObject *exc = PyObject_CallFunction(DecodeError, "OOn", msg, doc, pos);
    if (exc != NULL) {
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
        Py_DECREF(exc);
    }
}

/* fmt.format(**{name1: v1, name2: v2}) (name2 may be NULL). */
static PyObject *
format_message(PyObject *fmt, PyObject *name1, PyObject *v1, PyObject *name2, PyObject *v2)
{
    PyObject *method = PyObject_GetAttr(fmt, str_format);
    if (method == NULL) return NULL;
    PyObject *kwargs = PyDict_New();
    PyObject *result = NULL;
    if (kwargs != NULL && PyDict_SetItem(kwargs, name1, v1) == 0 &&
        (name2 == NULL || PyDict_SetItem(kwargs, name2, v2) == 0)) {
        PyObject *args = PyTuple_New(0);
        if (args != NULL) {
            result = PyObject_Call(method, args, kwargs);
            Py_DECREF(args);
        }
    }
    Py_XDECREF(kwargs);
    Py_DECREF(method);
    return result;
}

static PyObject *
type_name(PyObject *obj)
{
    return PyObject_GetAttr((PyObject *)Py_TYPE(obj), str_name);
}

/* ------------------------------------------------------------------------------------ */
/* Decoding: input                                                                      */

/* Like text_of() in _decode.py: a new reference to the str to parse, or NULL. */
static PyObject *
text_of(PyObject *data)
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
                PyObject *text = text_of(copy);
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
            (msg = format_message(MSG_INVALID_UTF8, str_reason, reason, NULL, NULL)) != NULL) {
            raise_decode_error(msg, raw, start);
        }
        Py_XDECREF(reason);
        Py_XDECREF(raw);
        Py_XDECREF(msg);
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
        return NULL;
    }
    PyObject *name = type_name(data);
    if (name != NULL) {
        PyObject *msg = format_message(MSG_BAD_INPUT_TYPE, str_type, name, NULL, NULL);
        if (msg != NULL) {
            PyErr_SetObject(PyExc_TypeError, msg);
            Py_DECREF(msg);
        }
        Py_DECREF(name);
    }
    return NULL;
}

/* ------------------------------------------------------------------------------------ */
/* Decoding: the key cache                                                              */

#define KEY_CACHE_SIZE 1024 /* a power of two */
#define KEY_CACHE_MAX_LEN 64

typedef struct {
    PyObject *key;    /* a str, or NULL */
    const void *data; /* its characters */
    uint64_t prefix;  /* 1-byte kind: its first (up to) 8 characters, little-endian */
    uint32_t hash;
    uint16_t len;
    uint16_t kind;
} KeyCacheEntry;

#define VALUE_CACHE_MAX_LEN 16

/* What the encoder knows of a class, found once per class (see _speedups_typed.c). */
typedef struct {
    /* The class, borrowed (the table must not keep a class alive): only ever compared
     * with the class looked up, never dereferenced. tag tells a stale slot, even one whose
     * class is gone and whose address a new class took, which has a tag of its own. */
    PyTypeObject *type;
    unsigned int tag; /* type's valid version tag when the slot was filled, or 0 */
    int kind;           /* CLASS_*: UNKNOWN when only encode_other()'s getattr can tell */
    int container_base; /* a subclass of dict, list, tuple, set or frozenset */
    int value_in_dict;  /* an enum: getattr() finds _value_ in the instance __dict__ */
    int fields_in_dict; /* a dataclass: getattr() finds the fields there (see reader) */
    /* a dataclass: its field table, for these options (or NULL) */
    PyObject *rename_fn, *colon, *reader; /* reader: _field_reader()'s result */
} ClassSlot;

/* Release what a slot held (which can run code, and so encode and fill slots). */
static void
class_slot_release(ClassSlot *held)
{
    Py_XDECREF(held->rename_fn);
    Py_XDECREF(held->colon);
    Py_XDECREF(held->reader);
}

/* The class table has 1 << TV_CLASS_BITS sets of two slots (see tv_class_slot()). */
#define TV_CLASS_BITS 7

/* The caches that decoding and encoding fill as they go: map keys and short bare values
 * ("None", "False", "0", "String", ... repeat a lot), and the encoder's class table.
 * With the GIL there is one set for the process. On a free-threaded build every thread
 * has its own set, kept in its thread state dict and released with it, so that no cache
 * is ever written by two threads at once; caches_enter() makes it the current one at
 * the start of every call. */
typedef struct {
    KeyCacheEntry keys[KEY_CACHE_SIZE];
    KeyCacheEntry values[KEY_CACHE_SIZE];
    ClassSlot classes[1 << TV_CLASS_BITS][2];
} Caches;

/* Release what the caches hold. Each entry is emptied before its objects are released
 * (which can run code, and so decode or encode and fill entries again). */
static void
caches_clear(Caches *caches)
{
    for (size_t i = 0; i < KEY_CACHE_SIZE; i++) {
        Py_CLEAR(caches->keys[i].key);
        Py_CLEAR(caches->values[i].key);
    }
    for (size_t i = 0; i < (1 << TV_CLASS_BITS); i++) {
        for (int way = 0; way < 2; way++) {
            ClassSlot held = caches->classes[i][way];
            memset(&caches->classes[i][way], 0, sizeof(ClassSlot));
            class_slot_release(&held);
        }
    }
}

#ifdef Py_GIL_DISABLED
static PyObject *caches_key; /* the caches' key in the thread state dict */
static JSV_THREAD_LOCAL Caches *current_caches;
#define CACHES current_caches

static void
caches_release(PyObject *capsule)
{
    Caches *caches = PyCapsule_GetPointer(capsule, "jsv._speedups.caches");
    if (caches == NULL) return;
    if (current_caches == caches) current_caches = NULL;
    caches_clear(caches);
    PyMem_RawFree(caches);
}

/* Make this thread's caches current (created on its first call). 0, or -1 with an
 * exception. */
static int
caches_enter(void)
{
    PyObject *thread_dict = PyThreadState_GetDict();
    if (thread_dict == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "jsv._speedups: no thread state");
        return -1;
    }
    PyObject *capsule = PyDict_GetItemWithError(thread_dict, caches_key);
    if (capsule != NULL) {
        current_caches = PyCapsule_GetPointer(capsule, "jsv._speedups.caches");
        return current_caches == NULL ? -1 : 0;
    }
    if (PyErr_Occurred()) return -1;
    Caches *caches = PyMem_RawCalloc(1, sizeof(Caches));
    if (caches == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    capsule = PyCapsule_New(caches, "jsv._speedups.caches", caches_release);
    if (capsule == NULL) {
        PyMem_RawFree(caches);
        return -1;
    }
    int r = PyDict_SetItem(thread_dict, caches_key, capsule);
    Py_DECREF(capsule); /* the dict keeps it, and so the caches, for the thread's life */
    if (r < 0) return -1;
    current_caches = caches;
    return 0;
}
#else
static Caches process_caches;
#define CACHES (&process_caches)
#define caches_enter() 0
#endif

/* ------------------------------------------------------------------------------------ */
/* Decoding: the parser, specialised per PEP 393 kind                                   */

#define CH(i) (kind == PyUnicode_1BYTE_KIND ? (Py_UCS4)((const Py_UCS1 *)data)[i]      \
               : kind == PyUnicode_2BYTE_KIND ? (Py_UCS4)((const Py_UCS2 *)data)[i]    \
                                              : ((const Py_UCS4 *)data)[i])

/* True when the n bytes at s are all ASCII. */
ALWAYS_INLINE int
all_ascii(const unsigned char *s, Py_ssize_t n)
{
    Py_ssize_t i = 0;
    uint64_t acc = 0;
    for (; i + 64 <= n; i += 64) {
        for (int k = 0; k < 64; k += 8) {
            uint64_t word;
            memcpy(&word, s + i + k, 8);
            acc |= word;
        }
        if (acc & 0x8080808080808080ull) return 0;
    }
    for (; i + 8 <= n; i += 8) {
        uint64_t word;
        memcpy(&word, s + i, 8);
        acc |= word;
    }
    if (i < n) {
        /* the rest (the whole of a short key or value) in overlapping loads, no loop */
        if (n >= 8) {
            uint64_t word;
            memcpy(&word, s + n - 8, 8);
            acc |= word;
        }
        else if (n >= 4) {
            uint32_t head, tail;
            memcpy(&head, s, 4);
            memcpy(&tail, s + n - 4, 4);
            acc |= head | tail;
        }
        else {
            for (; i < n; i++) acc |= s[i];
        }
    }
    return (acc & 0x8080808080808080ull) == 0;
}

/* The length of the valid UTF-8 sequence of a non-ASCII character at s[i] (i < n), or 0
 * where the bytes there are no such sequence, as Python's strict decoder takes it (no
 * overlong forms, no surrogates, nothing above U+10FFFF). */
ALWAYS_INLINE Py_ssize_t
utf8_sequence(const unsigned char *s, Py_ssize_t i, Py_ssize_t n)
{
    unsigned char b = s[i];
    Py_ssize_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
        len = 2;
    }
    else if (b >= 0xE0 && b <= 0xEF) {
        len = 3;
        if (b == 0xE0) lo = 0xA0;
        if (b == 0xED) hi = 0x9F;
    }
    else if (b >= 0xF0 && b <= 0xF4) {
        len = 4;
        if (b == 0xF0) lo = 0x90;
        if (b == 0xF4) hi = 0x8F;
    }
    else {
        return 0;
    }
    if (i + len > n) return 0;
    if (s[i + 1] < lo || s[i + 1] > hi) return 0;
    for (Py_ssize_t k = 2; k < len; k++) {
        if ((s[i + k] & 0xC0) != 0x80) return 0;
    }
    return len;
}

/* True when the n bytes at s are valid UTF-8. */
static int
valid_utf8(const unsigned char *s, Py_ssize_t n)
{
    Py_ssize_t i = 0;
    while (i < n) {
        if (i + 8 <= n) {
            uint64_t word;
            memcpy(&word, s + i, 8);
            if ((word & 0x8080808080808080ull) == 0) {
                i += 8;
                continue;
            }
        }
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        Py_ssize_t len = utf8_sequence(s, i, n);
        if (len == 0) return 0;
        i += len;
    }
    return 1;
}

/* The code point of the (valid) UTF-8 sequence whose lead byte (>= 0x80) is at d[i]. */
ALWAYS_INLINE Py_UCS4
utf8_at(const Py_UCS1 *d, Py_ssize_t i, int *len)
{
    Py_UCS1 b = d[i];
    if (b < 0xE0) {
        *len = 2;
        return ((Py_UCS4)(b & 0x1F) << 6) | (d[i + 1] & 0x3F);
    }
    if (b < 0xF0) {
        *len = 3;
        return ((Py_UCS4)(b & 0x0F) << 12) | ((Py_UCS4)(d[i + 1] & 0x3F) << 6) |
               (d[i + 2] & 0x3F);
    }
    *len = 4;
    return ((Py_UCS4)(b & 0x07) << 18) | ((Py_UCS4)(d[i + 1] & 0x3F) << 12) |
           ((Py_UCS4)(d[i + 2] & 0x3F) << 6) | (d[i + 3] & 0x3F);
}

typedef struct {
    PyObject *doc;     /* the str parsed; NULL while parsing bytes directly */
    const void *data;
    Py_ssize_t n;      /* in code units (bytes when parsing bytes) */
    int ascii;         /* every character is ASCII */
    int utf8;          /* data is non-ASCII UTF-8: positions are byte offsets */
    int unchecked;     /* ... not validated yet (see parser_check_utf8()) */
    int trim;
    PyObject *map_key; /* NULL: the key text as is */
    Py_ssize_t max_depth; /* the nesting parse_container() allows (MAX_DEPTH, or less for
                           * a typed decode's untyped subtree) */
    int gc_paused;        /* this call paused the collector (see gc_pause()) */
} Parser;

/* The collector is paused while a document is read: the objects under construction are
 * new and cannot be garbage yet, and collections triggered by their allocations would
 * only traverse them again and again. The switch is process-wide, so it is flipped only
 * while no Python code can run: the thread holds the GIL throughout, and the collector is
 * on again around every call into Python (gc_allow()/gc_repause()), before any error is
 * raised or any object of the caller's types is released (gc_end(): for the rest of the
 * call, as finalizers run Python code). Each call keeps its own state: a collector that
 * was off stays off, and one that Python code switched off mid-call stays off. On a
 * free-threaded build other threads run at the same time: the collector is left alone. */
ALWAYS_INLINE void
gc_pause(Parser *p)
{
#ifdef Py_GIL_DISABLED
    p->gc_paused = 0;
#else
    p->gc_paused = PyGC_Disable();
#endif
}

ALWAYS_INLINE void
gc_end(Parser *p)
{
    if (p->gc_paused) {
        p->gc_paused = 0;
        PyGC_Enable();
    }
}

ALWAYS_INLINE void
gc_allow(Parser *p)
{
    if (p->gc_paused) PyGC_Enable();
}

ALWAYS_INLINE void
gc_repause(Parser *p)
{
    if (p->gc_paused && !PyGC_Disable()) p->gc_paused = 0;
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
 * whatever else is wrong. Returns -1 with that DecodeError set if the bytes are not
 * valid UTF-8, else 0. */
static int
parser_check_utf8(Parser *p)
{
    if (!p->unchecked) return 0;
    p->unchecked = 0;
    if (valid_utf8(p->data, p->n)) return 0;
    gc_end(p); /* DecodeError is a Python class */
    PyObject *bytes = PyBytes_FromStringAndSize(p->data, p->n);
    if (bytes == NULL) return -1;
    PyObject *text = text_of(bytes); /* raises the DecodeError of the first bad byte */
    Py_DECREF(bytes);
    if (text == NULL) return -1;
    Py_DECREF(text);
    return 0;
}

/* A token of unchecked UTF-8 bytes did not decode: the error is the document's first
 * invalid byte, which may come before the token. */
static PyObject *
parser_token_not_utf8(Parser *p)
{
    if (!p->unchecked || !PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) return NULL;
    PyErr_Clear();
    if (parser_check_utf8(p) == 0) {
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

static void
parser_error(Parser *p, PyObject *msg, Py_ssize_t pos)
{
    gc_end(p); /* DecodeError is a Python class */
    if (parser_check_utf8(p) < 0) return;
    PyObject *doc = parser_doc(p);
    if (doc == NULL) return;
    raise_decode_error(msg, doc, parser_char_pos(p, pos));
}

/* The input ends inside the map or list opened at open_pos: the error is at the end of
 * the input, where its closer is missing, and the message (jsv._errors.unterminated) says
 * where it opened. */
static void
parser_unterminated(Parser *p, int is_map, Py_ssize_t open_pos)
{
    gc_end(p);
    if (parser_check_utf8(p) < 0) return;
    PyObject *doc = parser_doc(p);
    if (doc == NULL) return;
    PyObject *msg = PyObject_CallFunction(
        py_unterminated, "OOn", is_map ? MSG_UNTERMINATED_MAP : MSG_UNTERMINATED_LIST, doc,
        parser_char_pos(p, open_pos));
    if (msg == NULL) return;
    raise_decode_error(msg, doc, PyUnicode_GET_LENGTH(doc));
    Py_DECREF(msg);
}

/* The length of the whitespace character at pos (< n), or 0. */
ALWAYS_INLINE int
ws_len(Parser *p, const void *data, int kind, Py_ssize_t pos)
{
    if (kind == PyUnicode_1BYTE_KIND && p->utf8) {
        const Py_UCS1 *d = data;
        if (d[pos] < 0x80) return JSV_ASCII_SPACE[d[pos]];
        /* no character (the bytes may be unchecked): a token starts here, and its strict
         * decoding reports them */
        if (utf8_sequence(d, pos, p->n) == 0) return 0;
        int len;
        Py_UCS4 c = utf8_at(d, pos, &len);
        return jsv_is_space(c) ? len : 0;
    }
    return jsv_is_space(CH(pos));
}

ALWAYS_INLINE Py_ssize_t
skip_ws(Parser *p, const void *data, int kind, Py_ssize_t pos, Py_ssize_t n)
{
    if (kind == PyUnicode_1BYTE_KIND && p->utf8) {
        while (pos < n) {
            int len = ws_len(p, data, kind, pos);
            if (len == 0) break;
            pos += len;
        }
        return pos;
    }
    while (pos < n && jsv_is_space(CH(pos))) pos++;
    return pos;
}

ALWAYS_INLINE Py_ssize_t
rstrip_end(Parser *p, const void *data, int kind, Py_ssize_t start, Py_ssize_t end)
{
    if (kind == PyUnicode_1BYTE_KIND && p->utf8) {
        const Py_UCS1 *d = data;
        while (end > start) {
            if (d[end - 1] < 0x80) {
                if (!JSV_ASCII_SPACE[d[end - 1]]) break;
                end--;
                continue;
            }
            Py_ssize_t j = end - 1;
            while (j > start && (d[j] & 0xC0) == 0x80) j--;
            if (utf8_sequence(d, j, end) != end - j) break; /* left to the token's decoding */
            int len;
            if (!jsv_is_space(utf8_at(d, j, &len))) break;
            end = j;
        }
        return end;
    }
    while (end > start && jsv_is_space(CH(end - 1))) end--;
    return end;
}

/* A new str of doc[start:end]. */
ALWAYS_INLINE PyObject *
substring(Parser *p, int kind, Py_ssize_t start, Py_ssize_t end)
{
    if (kind == PyUnicode_1BYTE_KIND && p->utf8 &&
        !all_ascii((const unsigned char *)p->data + start, end - start)) {
        PyObject *s = PyUnicode_DecodeUTF8((const char *)p->data + start, end - start, "strict");
        return s != NULL ? s : parser_token_not_utf8(p);
    }
    if (kind == PyUnicode_1BYTE_KIND && (p->ascii || p->utf8)) {
        if (end - start <= 1) {
            if (end == start) return PyUnicode_New(0, 0);
            return PyUnicode_FromOrdinal(((const Py_UCS1 *)p->data)[start]);
        }
        PyObject *s = PyUnicode_New(end - start, 127);
        if (s == NULL) return NULL;
        memcpy(PyUnicode_1BYTE_DATA(s), (const Py_UCS1 *)p->data + start, end - start);
        return s;
    }
    return PyUnicode_Substring(p->doc, start, end);
}

/* Little-endian load of n <= 8 bytes. */
ALWAYS_INLINE uint64_t
load_bytes(const unsigned char *p, Py_ssize_t n)
{
    uint64_t x = 0;
    if (n >= 8) {
        memcpy(&x, p, 8);
        return x;
    }
    for (Py_ssize_t i = 0; i < n; i++) x |= (uint64_t)p[i] << (8 * i);
    return x;
}

/* The l (1..8) bytes at d[start:start + l] as a little-endian word, read as one 8-byte
 * load ending at the last byte when the text before allows it. */
ALWAYS_INLINE uint64_t
word_at(const unsigned char *d, Py_ssize_t start, Py_ssize_t l)
{
#if PY_LITTLE_ENDIAN
    if (start + l >= 8) {
        uint64_t x;
        memcpy(&x, d + start + l - 8, 8);
        return l == 8 ? x : x >> (8 * (8 - l));
    }
#endif
    return load_bytes(d + start, l);
}

/* A new str of doc[start:end] (0 < end - start <= KEY_CACHE_MAX_LEN) from the cache when
 * the same text was seen before. */
ALWAYS_INLINE PyObject *
cached_string(Parser *p, int kind, Py_ssize_t start, Py_ssize_t end, KeyCacheEntry *cache)
{
    const void *data = p->data;
    Py_ssize_t len = end - start;
    const uint64_t m = 0x9E3779B97F4A7C15ull;
    uint64_t h = (uint64_t)len * m;
    uint64_t first = 0;
    if (kind == PyUnicode_1BYTE_KIND) {
        const unsigned char *d = data;
        first = word_at(d, start, len < 8 ? len : 8);
        h = (h ^ first) * m;
        h ^= h >> 29;
        Py_ssize_t i = start + 8;
        for (; i + 8 <= end; i += 8) {
            h = (h ^ load_bytes(d + i, 8)) * m;
            h ^= h >> 29;
        }
        if (i < end) {
            h = (h ^ word_at(d, i, end - i)) * m;
            h ^= h >> 29;
        }
    }
    else {
        for (Py_ssize_t i = start; i < end; i++) {
            h = (h ^ CH(i)) * m;
            h ^= h >> 29;
        }
    }
    KeyCacheEntry *entry = &cache[(h >> 40) & (KEY_CACHE_SIZE - 1)];
    PyObject *cached = entry->key;
    if (cached != NULL && entry->hash == (uint32_t)h && entry->len == len) {
        int same = 1;
        if (entry->kind == kind) {
            if (kind == PyUnicode_1BYTE_KIND) {
                same = entry->prefix == first;
                if (same && len > 8) {
                    const unsigned char *a = (const unsigned char *)data + start;
                    const unsigned char *b = entry->data;
                    Py_ssize_t i = 8;
                    for (; same && i + 8 <= len; i += 8) {
                        same = load_bytes(a + i, 8) == load_bytes(b + i, 8);
                    }
                    if (same && i < len) {
                        /* the last 8 characters (overlapping what was compared) */
                        same = load_bytes(a + len - 8, 8) == load_bytes(b + len - 8, 8);
                    }
                }
            }
            else {
                same = memcmp(entry->data, (const char *)data + start * kind,
                              (size_t)(len * kind)) == 0;
            }
        }
        else {
            for (Py_ssize_t i = 0; i < len; i++) {
                if (PyUnicode_READ(entry->kind, entry->data, i) != CH(start + i)) {
                    same = 0;
                    break;
                }
            }
        }
        if (same) {
            Py_INCREF(cached);
            return cached;
        }
    }
    PyObject *key = substring(p, kind, start, end);
    if (key == NULL) return NULL;
    Py_INCREF(key);
    Py_XSETREF(entry->key, key);
    entry->hash = (uint32_t)h;
    entry->len = (uint16_t)len;
    entry->kind = (uint16_t)PyUnicode_KIND(key);
    entry->data = PyUnicode_DATA(key);
    entry->prefix = 0;
    if (entry->kind == PyUnicode_1BYTE_KIND) {
        entry->prefix = load_bytes(entry->data, len < 8 ? len : 8);
    }
    return key;
}

ALWAYS_INLINE PyObject *
key_string(Parser *p, int kind, Py_ssize_t start, Py_ssize_t end)
{
    Py_ssize_t len = end - start;
    if (len == 0 || len > KEY_CACHE_MAX_LEN ||
        (p->utf8 && !all_ascii((const unsigned char *)p->data + start, len))) {
        return substring(p, kind, start, end);
    }
    return cached_string(p, kind, start, end, CACHES->keys);
}

/* A new str of doc[start:end] (start < end) for a bare value. */
ALWAYS_INLINE PyObject *
value_string(Parser *p, int kind, Py_ssize_t start, Py_ssize_t end)
{
    if (end - start > VALUE_CACHE_MAX_LEN ||
        (p->utf8 && !all_ascii((const unsigned char *)p->data + start, end - start))) {
        return substring(p, kind, start, end);
    }
    return cached_string(p, kind, start, end, CACHES->values);
}

/* In 1-byte text: the first index >= i of byte a, b or c (n if none), 8 bytes at a time. */
ALWAYS_INLINE Py_ssize_t
scan_bytes(const Py_UCS1 *d, Py_ssize_t i, Py_ssize_t n, Py_UCS1 a, Py_UCS1 b, Py_UCS1 c)
{
#if defined(__SSE2__) && defined(__GNUC__)
    if (i + 16 <= n) {
        const __m128i va = _mm_set1_epi8((char)a), vb = _mm_set1_epi8((char)b),
                      vc = _mm_set1_epi8((char)c);
        for (; i + 16 <= n; i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(d + i));
            int mask = _mm_movemask_epi8(_mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)), _mm_cmpeq_epi8(v, vc)));
            if (mask) return i + __builtin_ctz((unsigned)mask);
        }
    }
#endif
#if PY_LITTLE_ENDIAN && defined(__GNUC__)
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    const uint64_t pa = ones * a, pb = ones * b, pc = ones * c;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, d + i, 8);
        uint64_t xa = w ^ pa, xb = w ^ pb, xc = w ^ pc;
        /* a zero byte in x marks a match; the lowest flagged byte is exact */
        uint64_t m = (((xa - ones) & ~xa) | ((xb - ones) & ~xb) | ((xc - ones) & ~xc)) & highs;
        if (m) return i + (__builtin_ctzll(m) >> 3);
    }
#endif
    while (i < n && d[i] != a && d[i] != b && d[i] != c) i++;
    return i;
}

/* The first index >= i holding one of a, b, c (n if none). */
ALWAYS_INLINE Py_ssize_t
scan_for(const void *data, int kind, Py_ssize_t i, Py_ssize_t n, Py_UCS4 a, Py_UCS4 b,
         Py_UCS4 c)
{
    if (kind == PyUnicode_1BYTE_KIND) {
        return scan_bytes((const Py_UCS1 *)data, i, n, (Py_UCS1)a, (Py_UCS1)b, (Py_UCS1)c);
    }
    while (i < n) {
        Py_UCS4 ch = CH(i);
        if (ch == a || ch == b || ch == c) break;
        i++;
    }
    return i;
}

/* doc[start:end] with each of its `pairs` doubled quotes read as one. */
static PyObject *
unescaped(Parser *p, int kind, Py_ssize_t start, Py_ssize_t end, Py_ssize_t pairs)
{
    if (kind != PyUnicode_1BYTE_KIND || !(p->ascii || p->utf8)) {
        /* a str of any width: Python's replace() (a latin-1 str may or may not be ASCII,
         * which the result's kind must follow) */
        PyObject *text = substring(p, kind, start, end);
        if (text == NULL) return NULL;
        PyObject *result = PyUnicode_Replace(text, str_dquote, str_quote, -1);
        Py_DECREF(text);
        return result;
    }
    /* ASCII text is written straight into the new str; UTF-8 bytes into a buffer that is
     * then decoded */
    const Py_UCS1 *d = p->data;
    Py_ssize_t size = end - start - pairs;
    PyObject *result = NULL;
    Py_UCS1 local[256] = {0}, *buffer;
    if (p->ascii) {
        result = PyUnicode_New(size, 127);
        if (result == NULL) return NULL;
        buffer = PyUnicode_1BYTE_DATA(result);
    }
    else if (size <= (Py_ssize_t)sizeof(local)) {
        buffer = local;
    }
    else if ((buffer = PyMem_Malloc((size_t)size)) == NULL) {
        return PyErr_NoMemory();
    }
    Py_UCS1 *out = buffer;
    for (Py_ssize_t j = start; j < end;) {
        const Py_UCS1 *quote = memchr(d + j, '"', (size_t)(end - j));
        Py_ssize_t stop = quote == NULL ? end : quote - d;
        memcpy(out, d + j, (size_t)(stop - j));
        out += stop - j;
        if (quote == NULL) break;
        *out++ = '"'; /* one of the pair */
        j = stop + 2;
    }
    if (p->ascii) return result;
    result = PyUnicode_DecodeUTF8((const char *)buffer, size, "strict");
    if (buffer != local) PyMem_Free(buffer);
    return result != NULL ? result : parser_token_not_utf8(p);
}

/* The quoted token whose opening '"' is at start; *end receives the position after it. */
ALWAYS_INLINE PyObject *
parse_quoted(Parser *p, int kind, Py_ssize_t start, Py_ssize_t *end_out, int as_key)
{
    const void *data = p->data;
    Py_ssize_t n = p->n;
    Py_ssize_t i = start + 1;
    Py_ssize_t escaped = 0; /* doubled quotes */
    for (;;) {
        if (kind == PyUnicode_1BYTE_KIND) {
            const void *hit = memchr((const char *)data + i, '"', (size_t)(n - i));
            i = hit == NULL ? n : (const char *)hit - (const char *)data;
        }
        else {
            while (i < n && CH(i) != '"') i++;
        }
        if (i >= n) {
            parser_error(p, MSG_UNTERMINATED_STRING, start);
            return NULL;
        }
        if (i + 1 < n && CH(i + 1) == '"') {
            escaped++;
            i += 2;
        }
        else {
            break;
        }
    }
    *end_out = i + 1;
    if (!escaped) {
        return as_key ? key_string(p, kind, start + 1, i) : substring(p, kind, start + 1, i);
    }
    return unescaped(p, kind, start + 1, i, escaped);
}

/* Skip whitespace after a quoted or map key; the position after its ':' or -1. */
ALWAYS_INLINE Py_ssize_t
expect_colon(Parser *p, int kind, Py_ssize_t pos, Py_ssize_t map_open)
{
    const void *data = p->data;
    pos = skip_ws(p, data, kind, pos, p->n);
    if (pos >= p->n) {
        parser_unterminated(p, 1, map_open);
        return -1;
    }
    if (CH(pos) != ':') {
        parser_error(p, MSG_EXPECTED_COLON, pos);
        return -1;
    }
    return pos + 1;
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

/* The decoder's items of every open container, in document order (a map's as key, value,
 * ...): each container is built once, at its closer, with its final size. The encoder
 * keeps the field values of the dataclasses it is writing on one too. */
typedef struct {
    PyObject **items;
    Py_ssize_t top, cap;
    PyObject *local[64];
} ValueStack;

static int
vs_grow(ValueStack *vs)
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

/* Make room for n more items. */
static int
vs_reserve(ValueStack *vs, Py_ssize_t n)
{
    while (vs->top + n > vs->cap) {
        if (vs_grow(vs) < 0) return -1;
    }
    return 0;
}

/* Push a new reference (consumed, also on failure). */
ALWAYS_INLINE int
vs_push(ValueStack *vs, PyObject *obj)
{
    if (UNLIKELY(vs->top == vs->cap) && vs_grow(vs) < 0) {
        Py_DECREF(obj);
        return -1;
    }
    vs->items[vs->top++] = obj;
    return 0;
}

static void
vs_drop(ValueStack *vs, Py_ssize_t base)
{
    while (vs->top > base) {
        vs->top--;
        Py_DECREF(vs->items[vs->top]);
    }
}

static void
vs_init(ValueStack *vs)
{
    vs->items = vs->local;
    vs->top = 0;
    vs->cap = sizeof(vs->local) / sizeof(vs->local[0]);
}

/* Release what the stack holds, and its memory. */
static void
vs_free(ValueStack *vs)
{
    vs_drop(vs, 0);
    if (vs->items != vs->local) PyMem_Free(vs->items);
    vs->items = vs->local;
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

/* Parse the map or list opening at pos; *end_out receives the position after it. */
ALWAYS_INLINE PyObject *
parse_container(Parser *p, const int kind, Py_ssize_t pos, Py_ssize_t *end_out)
{
    const void *data = p->data;
    const Py_ssize_t n = p->n;
    const int trim = p->trim;
    DecodeFrame local[DECODE_LOCAL_FRAMES];
    DecodeFrame *stack = local;
    Py_ssize_t depth = 0, capacity = DECODE_LOCAL_FRAMES;
    ValueStack vs;
    vs_init(&vs);

    Py_ssize_t open_pos = pos;
    Py_ssize_t base = 0;
    int is_map = CH(pos) == '{';
    int is_key = 0;
    int key_ready = 0;
    PyObject *value = NULL;
    {
        Py_ssize_t q = skip_ws(p, data, kind, pos + 1, n);
        if (q < n && CH(q) == (Py_UCS4)(is_map ? '}' : ']')) {
            *end_out = q + 1;
            return is_map ? PyDict_New() : PyList_New(0);
        }
    }
    pos = open_pos + 1;

#define PUSH_FRAME(new_is_map, new_open, new_is_key)                                      \
    do {                                                                                  \
        if (depth == capacity) {                                                          \
            Py_ssize_t new_capacity = capacity * 2;                                       \
            DecodeFrame *grown;                                                           \
            if (stack == local) {                                                         \
                grown = PyMem_Malloc(sizeof(DecodeFrame) * (size_t)new_capacity);         \
                if (grown != NULL) memcpy(grown, local, sizeof(local));                   \
            }                                                                             \
            else {                                                                        \
                grown = PyMem_Realloc(stack, sizeof(DecodeFrame) * (size_t)new_capacity); \
            }                                                                             \
            if (grown == NULL) {                                                          \
                PyErr_NoMemory();                                                         \
                goto error;                                                               \
            }                                                                             \
            stack = grown;                                                                \
            capacity = new_capacity;                                                      \
        }                                                                                 \
        stack[depth].base = base;                                                         \
        stack[depth].open_pos = open_pos;                                                 \
        stack[depth].is_map = (char)is_map;                                               \
        stack[depth].is_key = (char)is_key;                                               \
        depth++;                                                                          \
        base = vs.top;                                                                    \
        is_map = (new_is_map);                                                            \
        open_pos = (new_open);                                                            \
        is_key = (new_is_key);                                                            \
    } while (0)

    for (;;) {
        Py_UCS4 c;
        Py_ssize_t q, s;
        /* ---- one item of the current container, starting at pos ---- */
        if (is_map) {
            if (key_ready) {
                key_ready = 0;
            }
            else {
                PyObject *key;
                Py_ssize_t k = skip_ws(p, data, kind, pos, n);
                c = k < n ? CH(k) : 0xFFFFFFFF;
                if (c == '"') {
                    key = parse_quoted(p, kind, k, &pos, 1);
                    if (key == NULL || vs_push(&vs, key) < 0) goto error;
                    pos = expect_colon(p, kind, pos, open_pos);
                    if (pos < 0) goto error;
                }
                else if (c == '{') {
                    if (depth + 2 > p->max_depth) {
                        parser_error(p, MSG_TOO_DEEP, k);
                        goto error;
                    }
                    q = skip_ws(p, data, kind, k + 1, n);
                    if (q < n && CH(q) == '}') {
                        key = map_key_text(p, kind, k, q + 1);
                        if (key == NULL || vs_push(&vs, key) < 0) goto error;
                        pos = expect_colon(p, kind, q + 1, open_pos);
                        if (pos < 0) goto error;
                    }
                    else {
                        PUSH_FRAME(1, k, 1);
                        pos = k + 1;
                        continue;
                    }
                }
                else {
                    s = trim ? k : pos;
                    q = scan_for(data, kind, s, n, ':', ',', '}');
                    if (q >= n) {
                        parser_unterminated(p, 1, open_pos);
                        goto error;
                    }
                    if (CH(q) != ':') {
                        parser_error(p, MSG_EXPECTED_COLON, q);
                        goto error;
                    }
                    key = key_string(p, kind, s, trim ? rstrip_end(p, data, kind, s, q) : q);
                    if (key == NULL || vs_push(&vs, key) < 0) goto error;
                    pos = q + 1;
                }
            }
        }
        /* ---- the value ---- */
        c = pos < n ? CH(pos) : 0xFFFFFFFF;
        {
            Py_ssize_t v = pos;
            if (c != 0xFFFFFFFF && ws_len(p, data, kind, pos)) {
                v = skip_ws(p, data, kind, pos, n);
                c = v < n ? CH(v) : 0xFFFFFFFF;
            }
            if (c == '{' || c == '[') {
                if (depth + 2 > p->max_depth) {
                    parser_error(p, MSG_TOO_DEEP, v);
                    goto error;
                }
                q = skip_ws(p, data, kind, v + 1, n);
                if (q < n && CH(q) == (Py_UCS4)(c == '{' ? '}' : ']')) {
                    value = c == '{' ? PyDict_New() : PyList_New(0);
                    if (value == NULL) goto error;
                    pos = q + 1;
                }
                else {
                    PUSH_FRAME(c == '{', v, 0);
                    pos = v + 1;
                    continue;
                }
            }
            else if (c == '"') {
                value = parse_quoted(p, kind, v, &pos, 0);
                if (value == NULL) goto error;
            }
            else {
                s = trim ? v : pos;
                q = is_map ? scan_for(data, kind, s, n, ',', '}', '}')
                           : scan_for(data, kind, s, n, ',', ']', ']');
                pos = q;
                if (trim) q = rstrip_end(p, data, kind, s, q);
                if (q == s) {
                    value = Py_None;
                    Py_INCREF(value);
                }
                else {
                    value = value_string(p, kind, s, q);
                    if (value == NULL) goto error;
                }
            }
        }
        if (vs_push(&vs, value) < 0) {
            value = NULL;
            goto error;
        }
        value = NULL;
        if (is_map && check_key(&vs) < 0) goto error;

        /* ---- after a value: a separator, or the closer (and maybe of the parents too) ---- */
        for (;;) {
            if (pos < n) {
                c = CH(pos);
                if (c == ',') {
                    pos++;
                    break;
                }
                if (c == (Py_UCS4)(is_map ? '}' : ']')) {
                    pos++;
                }
                else if (ws_len(p, data, kind, pos)) {
                    pos = skip_ws(p, data, kind, pos, n);
                    continue;
                }
                else {
                    parser_error(p, is_map ? MSG_EXPECTED_MAP_SEP : MSG_EXPECTED_LIST_SEP, pos);
                    goto error;
                }
            }
            else {
                parser_unterminated(p, is_map, open_pos);
                goto error;
            }
            /* the current container is complete */
            if (is_key) {
                /* a map written as a key: the key is its text */
                Py_ssize_t done_open = open_pos;
                vs_drop(&vs, base);
                depth--;
                base = stack[depth].base;
                open_pos = stack[depth].open_pos;
                is_map = stack[depth].is_map;
                is_key = stack[depth].is_key;
                PyObject *key = map_key_text(p, kind, done_open, pos);
                if (key == NULL || vs_push(&vs, key) < 0) goto error;
                pos = expect_colon(p, kind, pos, open_pos);
                if (pos < 0) goto error;
                key_ready = 1;
                break;
            }
            PyObject *done = vs_build(&vs, base, is_map);
            if (done == NULL) goto error;
            if (depth == 0) {
                if (stack != local) PyMem_Free(stack);
                vs_free(&vs);
                *end_out = pos;
                return done;
            }
            depth--;
            base = stack[depth].base;
            open_pos = stack[depth].open_pos;
            is_map = stack[depth].is_map;
            is_key = stack[depth].is_key;
            if (vs_push(&vs, done) < 0) goto error;
            if (is_map && check_key(&vs) < 0) goto error;
        }
    }
#undef PUSH_FRAME

error:
    Py_XDECREF(value);
    vs_free(&vs);
    if (stack != local) PyMem_Free(stack);
    return NULL;
}

/* Where a document's value starts: after a byte-order mark and edge whitespace. */
ALWAYS_INLINE Py_ssize_t
document_start(Parser *p, const int kind)
{
    const void *data = p->data;
    Py_ssize_t n = p->n;
    Py_ssize_t start;
    if (kind == PyUnicode_1BYTE_KIND && p->utf8) {
        const Py_UCS1 *d = data;
        start = (n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) ? 3 : 0;
    }
    else {
        start = (n > 0 && CH(0) == 0xFEFF) ? 1 : 0;
    }
    return skip_ws(p, data, kind, start, n);
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
        parser_error(p, MSG_EXTRA_DATA, pos);
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
 * bytes are validated first; without, as they are parsed (see parser_check_utf8()). A str
 * is parsed as it is. Anything else goes through text_of() when `convert_others` is set (which raises for
 * invalid UTF-8 or a wrong type); otherwise 0 is returned and the caller decides.
 * Returns 1 when the parser is set, -1 with an exception. */
static int
parser_set_input(Parser *p, PyObject *data, int *kind, int convert_others, int check_utf8)
{
    p->unchecked = 0;
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
    p->doc = text_of(data);
    if (p->doc == NULL) return -1;
    p->data = PyUnicode_DATA(p->doc);
    p->n = PyUnicode_GET_LENGTH(p->doc);
    p->ascii = PyUnicode_IS_ASCII(p->doc);
    p->utf8 = 0;
    *kind = PyUnicode_KIND(p->doc);
    return 1;
}

static PyObject *
decode_impl(PyObject *data, PyObject *trim_obj, PyObject *map_key)
{
    int trim = PyObject_IsTrue(trim_obj);
    if (trim < 0) return NULL;
    Parser p;
    int kind;
    p.trim = trim;
    p.map_key = map_key;
    p.max_depth = MAX_DEPTH;
    p.gc_paused = 0;
    if (caches_enter() < 0 || parser_set_input(&p, data, &kind, 1, 0) < 0) return NULL;
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

/* ------------------------------------------------------------------------------------ */
/* Argument parsing for METH_FASTCALL | METH_KEYWORDS                                    */

/* Fill out[0..nparams) from positional args and keywords; missing stay NULL.
 * Returns -1 (with TypeError) on bad arguments. */
static int
unpack_args(const char *fname, const char *const *names, Py_ssize_t nparams,
            Py_ssize_t nrequired, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
            PyObject **out)
{
    for (Py_ssize_t i = 0; i < nparams; i++) out[i] = NULL;
    if (nargs > nparams) {
        PyErr_Format(PyExc_TypeError, "%s() takes at most %zd positional arguments (%zd given)",
                     fname, nparams, nargs);
        return -1;
    }
    for (Py_ssize_t i = 0; i < nargs; i++) out[i] = args[i];
    if (kwnames != NULL) {
        Py_ssize_t nkw = PyTuple_GET_SIZE(kwnames);
        for (Py_ssize_t k = 0; k < nkw; k++) {
            PyObject *kw = PyTuple_GET_ITEM(kwnames, k);
            Py_ssize_t i;
            for (i = 0; i < nparams; i++) {
                if (PyUnicode_CompareWithASCIIString(kw, names[i]) == 0) break;
            }
            if (i == nparams) {
                PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%U'",
                             fname, kw);
                return -1;
            }
            if (out[i] != NULL) {
                PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument '%s'",
                             fname, names[i]);
                return -1;
            }
            out[i] = args[nargs + k];
        }
    }
    for (Py_ssize_t i = 0; i < nrequired; i++) {
        if (out[i] == NULL) {
            PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s'", fname,
                         names[i]);
            return -1;
        }
    }
    return 0;
}

PyDoc_STRVAR(decode_doc,
             "decode($module, /, data, trim)\n--\n\n"
             "Decode data (str or UTF-8 bytes-like) into a tree of dict, list, str and None.");

static PyObject *
speedups_decode(PyObject *module, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    (void)module;
    static const char *const names[] = {"data", "trim"};
    PyObject *a[2];
    if (kwnames == NULL && nargs == 2) {
        return decode_impl(args[0], args[1], NULL);
    }
    if (unpack_args("decode", names, 2, 2, args, nargs, kwnames, a) < 0) return NULL;
    return decode_impl(a[0], a[1], NULL);
}

PyDoc_STRVAR(decode_raw_keys_doc,
             "decode_raw_keys($module, /, data, trim, map_key)\n--\n\n"
             "Like decode(), passing the text of every map-valued key through map_key.");

static PyObject *
speedups_decode_raw_keys(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                         PyObject *kwnames)
{
    (void)module;
    static const char *const names[] = {"data", "trim", "map_key"};
    PyObject *a[3];
    if (unpack_args("decode_raw_keys", names, 3, 3, args, nargs, kwnames, a) < 0) return NULL;
    return decode_impl(a[0], a[1], a[2]);
}

/* ------------------------------------------------------------------------------------ */
/* Encoding: the output buffer, a growing array of UCS1/UCS2/UCS4 code units            */
/* It is the result str itself (not yet shared), resized as it grows and at the end.    */
/* For encode_bytes() it is the result bytes object instead, written in UTF-8: its kind  */
/* stays 1 and its maxchar 0x10FFFF, so that ASCII is copied as it is and no widening    */
/* happens, and a str with other characters is encoded as it is copied (write_sub).     */

/* Whether the SSE2 paths run (a switch for the tests, which compare both with the pure
 * encoder: the scalar twins run wherever SSE2 is not available). Both give the same output,
 * so switching it while other threads encode (free-threaded builds) changes only speed. */
static int use_simd = 1;

typedef struct {
    PyObject *obj; /* the str being written, of capacity cap and maximum character maxchar */
    char *data;
    int kind;
    Py_UCS4 maxchar;
    Py_ssize_t len; /* in code units */
    Py_ssize_t cap; /* in code units */
    int cut;        /* text was removed: maxchar may be too high */
    int utf8;       /* obj is a bytes object, written in UTF-8 */
    /* UTF-8: where the first lone surrogate written is, or -1, and what it is. It is an
     * error only if it is still there at the end (an entry can be taken out again). */
    Py_ssize_t surrogate_at;
    Py_UCS4 surrogate;
} Writer;

static int
writer_init(Writer *w, int utf8)
{
    w->kind = PyUnicode_1BYTE_KIND;
    w->maxchar = utf8 ? 0x10FFFF : 127;
    w->cut = 0;
    w->utf8 = utf8;
    w->surrogate_at = -1;
    w->surrogate = 0;
    w->len = 0;
    w->cap = 1024;
    w->obj = utf8 ? PyBytes_FromStringAndSize(NULL, w->cap) : PyUnicode_New(w->cap, 127);
    if (w->obj == NULL) return -1;
    w->data = utf8 ? PyBytes_AS_STRING(w->obj) : PyUnicode_DATA(w->obj);
    return 0;
}

static void
writer_free(Writer *w)
{
    Py_CLEAR(w->obj);
    w->data = NULL;
}

static int
writer_grow(Writer *w, Py_ssize_t extra)
{
    Py_ssize_t need = w->len + extra;
    if (need < w->len || need > PY_SSIZE_T_MAX / 8) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t cap = w->cap;
    while (cap < need) cap *= 2; /* each doubling copies what is written: once in all */
    if (w->utf8) {
        if (jsv_bytes_resize(&w->obj, cap) < 0) return -1;
        w->data = PyBytes_AS_STRING(w->obj);
    }
    else {
        if (PyUnicode_Resize(&w->obj, cap) < 0) return -1;
        w->data = PyUnicode_DATA(w->obj);
    }
    w->cap = cap;
    return 0;
}

/* Take back what was written from mark on (an entry left out, or written again). */
ALWAYS_INLINE void
writer_cut(Writer *w, Py_ssize_t mark)
{
    w->len = mark;
    if (w->surrogate_at >= mark) w->surrogate_at = -1;
}

ALWAYS_INLINE int
writer_reserve(Writer *w, Py_ssize_t extra)
{
    if (UNLIKELY(w->len + extra > w->cap)) return writer_grow(w, extra);
    return 0;
}

/* Latin-1 code units to UCS-2: what a buffer made wide by one character needs for every
 * later ASCII key and value. */
ALWAYS_INLINE void
widen_1to2(Py_UCS2 *dst, const Py_UCS1 *src, Py_ssize_t n)
{
    Py_ssize_t i = 0;
#if defined(__SSE2__)
    if (use_simd && n >= 8) {
        const __m128i zero = _mm_setzero_si128();
        for (; i + 8 <= n; i += 8) {
            __m128i v = _mm_loadl_epi64((const __m128i *)(src + i));
            _mm_storeu_si128((__m128i *)(dst + i), _mm_unpacklo_epi8(v, zero));
        }
        if (i < n) { /* the last 8, overlapping what is done */
            __m128i v = _mm_loadl_epi64((const __m128i *)(src + n - 8));
            _mm_storeu_si128((__m128i *)(dst + n - 8), _mm_unpacklo_epi8(v, zero));
        }
        return;
    }
#endif
    for (; i < n; i++) dst[i] = src[i];
}

/* Copy len code units from (skind, src)[start:] to (dkind, dst)[at:]; skind <= dkind. */
static void
copy_units(int dkind, void *dst, Py_ssize_t at, int skind, const void *src, Py_ssize_t start,
           Py_ssize_t len)
{
    if (skind == dkind) {
        memcpy((char *)dst + at * dkind, (const char *)src + start * skind, (size_t)(len * skind));
    }
    else if (dkind == PyUnicode_2BYTE_KIND) {
        widen_1to2((Py_UCS2 *)dst + at, (const Py_UCS1 *)src + start, len);
    }
    else if (skind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *a = (const Py_UCS1 *)src + start;
        Py_UCS4 *b = (Py_UCS4 *)dst + at;
        for (Py_ssize_t i = 0; i < len; i++) b[i] = a[i];
    }
    else {
        const Py_UCS2 *a = (const Py_UCS2 *)src + start;
        Py_UCS4 *b = (Py_UCS4 *)dst + at;
        for (Py_ssize_t i = 0; i < len; i++) b[i] = a[i];
    }
}

/* Make the buffer able to hold characters up to maxchar (widening its kind if needed). */
static int
writer_widen(Writer *w, Py_UCS4 maxchar)
{
    if (maxchar <= w->maxchar) return 0;
    maxchar = maxchar < 128 ? 127 : maxchar < 256 ? 255 : maxchar < 65536 ? 65535 : 0x10FFFF;
    PyObject *obj = PyUnicode_New(w->cap, maxchar);
    if (obj == NULL) return -1;
    int kind = PyUnicode_KIND(obj);
    copy_units(kind, PyUnicode_DATA(obj), 0, w->kind, w->data, 0, w->len);
    Py_SETREF(w->obj, obj);
    w->data = PyUnicode_DATA(obj);
    w->kind = kind;
    w->maxchar = maxchar;
    return 0;
}

ALWAYS_INLINE int
write_ascii(Writer *w, const char *s, Py_ssize_t len)
{
    if (writer_reserve(w, len) < 0) return -1;
    if (LIKELY(w->kind == PyUnicode_1BYTE_KIND)) {
        memcpy(w->data + w->len, s, (size_t)len);
    }
    else {
        copy_units(w->kind, w->data, w->len, PyUnicode_1BYTE_KIND, s, 0, len);
    }
    w->len += len;
    return 0;
}

ALWAYS_INLINE int
write_char(Writer *w, Py_UCS4 c)
{
    /* c is ASCII */
    if (writer_reserve(w, 1) < 0) return -1;
    PyUnicode_WRITE(w->kind, w->data, w->len, c);
    w->len++;
    return 0;
}

/* memcpy() for the short runs keys and values mostly are, without a call: two
 * overlapping loads and stores cover any length up to twice their width. */
ALWAYS_INLINE void
copy_bytes(char *dst, const char *src, Py_ssize_t n)
{
    if (n >= 8 && n <= 16) {
        uint64_t head, tail;
        memcpy(&head, src, 8);
        memcpy(&tail, src + n - 8, 8);
        memcpy(dst, &head, 8);
        memcpy(dst + n - 8, &tail, 8);
    }
    else if (n >= 4 && n < 8) {
        uint32_t head, tail;
        memcpy(&head, src, 4);
        memcpy(&tail, src + n - 4, 4);
        memcpy(dst, &head, 4);
        memcpy(dst + n - 4, &tail, 4);
    }
    else if (n < 4) {
        for (Py_ssize_t i = 0; i < n; i++) dst[i] = src[i];
    }
    else {
        memcpy(dst, src, (size_t)n);
    }
}

/* Put the n Latin-1 code units at src into the buffer at index at (room reserved). */
ALWAYS_INLINE void
put_latin1(Writer *w, Py_ssize_t at, const Py_UCS1 *src, Py_ssize_t n)
{
    if (LIKELY(w->kind == PyUnicode_1BYTE_KIND)) {
        copy_bytes(w->data + at, (const char *)src, n);
    }
    else if (w->kind == PyUnicode_2BYTE_KIND) {
        widen_1to2((Py_UCS2 *)w->data + at, src, n);
    }
    else {
        copy_units(w->kind, w->data, at, PyUnicode_1BYTE_KIND, src, 0, n);
    }
}

/* Write c as UTF-8 at out (room reserved); a lone surrogate is written as its three bytes
 * (as the "surrogatepass" error handler would) and remembered: the result is an error if
 * it is still there at the end (see writer_finish()). */
ALWAYS_INLINE unsigned char *
put_utf8_char(Writer *w, unsigned char *out, Py_UCS4 c)
{
    if (c < 0x80) {
        *out++ = (unsigned char)c;
    }
    else if (c < 0x800) {
        *out++ = (unsigned char)(0xC0 | (c >> 6));
        *out++ = (unsigned char)(0x80 | (c & 0x3F));
    }
    else if (c < 0x10000) {
        if (UNLIKELY(c >= 0xD800 && c <= 0xDFFF) && w->surrogate_at < 0) {
            w->surrogate_at = (Py_ssize_t)(out - (unsigned char *)w->data);
            w->surrogate = c;
        }
        *out++ = (unsigned char)(0xE0 | (c >> 12));
        *out++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        *out++ = (unsigned char)(0x80 | (c & 0x3F));
    }
    else {
        *out++ = (unsigned char)(0xF0 | (c >> 18));
        *out++ = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
        *out++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        *out++ = (unsigned char)(0x80 | (c & 0x3F));
    }
    return out;
}

/* Append the code units (kind, data)[start:start + n] in UTF-8. Runs of ASCII are copied
 * a vector at a time (16 Latin-1 units, 8 UCS-2 units or 4 UCS-4 units, narrowed to
 * bytes): a vector is stored whole, and the output advances past its leading ASCII
 * units only, so that the first other character is encoded over the rest (the room
 * reserved for the worst case, 2 to 4 bytes a unit, leaves space for the whole store). */
static int
write_utf8(Writer *w, int kind, const void *data, Py_ssize_t start, Py_ssize_t n)
{
    if (n > PY_SSIZE_T_MAX / 8) {
        PyErr_NoMemory();
        return -1;
    }
    if (writer_reserve(w, n * (kind == PyUnicode_1BYTE_KIND ? 2 : kind + 1)) < 0) return -1;
    unsigned char *out = (unsigned char *)w->data + w->len;
    Py_ssize_t i = 0;
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *src = (const Py_UCS1 *)data + start;
        for (;;) {
#if defined(__SSE2__)
            while (use_simd && i + 16 <= n) {
                __m128i v = _mm_loadu_si128((const __m128i *)(src + i));
                int other = _mm_movemask_epi8(v); /* the units >= 0x80 */
                _mm_storeu_si128((__m128i *)out, v);
                int ascii = other ? __builtin_ctz((unsigned int)other) : 16;
                out += ascii;
                i += ascii;
                if (other) break;
            }
#endif
            if (i >= n) break;
            out = put_utf8_char(w, out, src[i++]);
        }
    }
    else if (kind == PyUnicode_2BYTE_KIND) {
        const Py_UCS2 *src = (const Py_UCS2 *)data + start;
        for (;;) {
#if defined(__SSE2__)
            while (use_simd && i + 8 <= n) {
                __m128i v = _mm_loadu_si128((const __m128i *)(src + i));
                __m128i high = _mm_and_si128(v, _mm_set1_epi16((short)0xFF80));
                /* two bits per unit, set for the ASCII ones */
                unsigned int ascii_bits = (unsigned int)_mm_movemask_epi8(
                    _mm_cmpeq_epi16(high, _mm_setzero_si128()));
                _mm_storel_epi64((__m128i *)out, _mm_packus_epi16(v, v));
                int ascii = ascii_bits == 0xFFFF ? 8 : __builtin_ctz(~ascii_bits) / 2;
                out += ascii;
                i += ascii;
                if (ascii < 8) break;
            }
#endif
            if (i >= n) break;
            out = put_utf8_char(w, out, src[i++]);
        }
    }
    else {
        const Py_UCS4 *src = (const Py_UCS4 *)data + start;
        for (;;) {
#if defined(__SSE2__)
            while (use_simd && i + 4 <= n) {
                __m128i v = _mm_loadu_si128((const __m128i *)(src + i));
                __m128i high = _mm_and_si128(v, _mm_set1_epi32((int)0xFFFFFF80u));
                /* four bits per unit, set for the ASCII ones */
                unsigned int ascii_bits = (unsigned int)_mm_movemask_epi8(
                    _mm_cmpeq_epi32(high, _mm_setzero_si128()));
                __m128i b = _mm_packus_epi16(_mm_packs_epi32(v, v), _mm_setzero_si128());
                int four = _mm_cvtsi128_si32(b);
                memcpy(out, &four, 4);
                int ascii = ascii_bits == 0xFFFF ? 4 : __builtin_ctz(~ascii_bits) / 4;
                out += ascii;
                i += ascii;
                if (ascii < 4) break;
            }
#endif
            if (i >= n) break;
            out = put_utf8_char(w, out, src[i++]);
        }
    }
    w->len = (Py_ssize_t)(out - (unsigned char *)w->data);
    return 0;
}

/* Append s[start:end]; the buffer must already be wide enough for s. */
ALWAYS_INLINE int
write_sub(Writer *w, PyObject *s, Py_ssize_t start, Py_ssize_t end)
{
    Py_ssize_t len = end - start;
    if (len <= 0) return 0;
    int skind = PyUnicode_KIND(s);
    const void *sdata = PyUnicode_DATA(s);
    if (UNLIKELY(w->utf8) && !PyUnicode_IS_ASCII(s)) {
        return write_utf8(w, skind, sdata, start, len);
    }
    if (writer_reserve(w, len) < 0) return -1;
    if (LIKELY(skind == PyUnicode_1BYTE_KIND)) {
        put_latin1(w, w->len, (const Py_UCS1 *)sdata + start, len);
    }
    else {
        copy_units(w->kind, w->data, w->len, skind, sdata, start, len);
    }
    w->len += len;
    return 0;
}

ALWAYS_INLINE int
write_str(Writer *w, PyObject *s)
{
    if (PyUnicode_READY(s) < 0) return -1;
    if (writer_widen(w, PyUnicode_MAX_CHAR_VALUE(s)) < 0) return -1;
    return write_sub(w, s, 0, PyUnicode_GET_LENGTH(s));
}

static PyObject *
writer_finish(Writer *w)
{
    if (w->utf8) {
        if (w->surrogate_at >= 0) {
            /* what str.encode() refuses: the first lone surrogate of the text */
            char text[16];
            snprintf(text, sizeof(text), "U+%04X", (unsigned int)w->surrogate);
            PyObject *c = PyUnicode_FromString(text);
            if (c == NULL) return NULL;
            PyObject *msg = format_message(MSG_LONE_SURROGATE, str_char, c, NULL, NULL);
            Py_DECREF(c);
            if (msg == NULL) return NULL;
            PyObject *exc = PyObject_CallOneArg(EncodeError, msg);
            Py_DECREF(msg);
            if (exc != NULL) {
                PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
                Py_DECREF(exc);
            }
            return NULL;
        }
        if (jsv_bytes_resize(&w->obj, w->len) < 0) return NULL;
        PyObject *result = w->obj;
        w->obj = NULL;
        return result;
    }
    if (w->cut && w->maxchar > 127) {
        /* the characters that made the buffer wide may be gone: let CPython pick */
        return PyUnicode_FromKindAndData(w->kind, w->data, w->len);
    }
    if (PyUnicode_Resize(&w->obj, w->len) < 0) return NULL;
    PyObject *result = w->obj;
    w->obj = NULL;
    return result;
}

/* ------------------------------------------------------------------------------------ */
/* Encoding: strings (spec §4) and numbers                                              */

/* '":,{}[]' CR LF: characters that make a string quoted wherever they are. */
static unsigned char special_ascii[256]; /* only ASCII entries are set */

ALWAYS_INLINE int
is_special(Py_UCS4 c)
{
    return c < 128 && special_ascii[c];
}

#if defined(__SSE2__)
/* The bytes of v that are one of '":,{}[]' CR LF, as a bit mask. */
ALWAYS_INLINE int
special_mask(__m128i v)
{
    const __m128i quote = _mm_set1_epi8('"'), comma = _mm_set1_epi8(','),
                  colon = _mm_set1_epi8(':'), cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n'),
                  lower = _mm_set1_epi8(0x20), open = _mm_set1_epi8('{'),
                  close = _mm_set1_epi8('}');
    /* '[' and ']' differ from '{' and '}' only in bit 0x20 */
    __m128i u = _mm_or_si128(v, lower);
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, comma)),
                               _mm_or_si128(_mm_cmpeq_epi8(v, colon), _mm_cmpeq_epi8(v, cr)));
    hit = _mm_or_si128(hit, _mm_or_si128(_mm_cmpeq_epi8(v, lf),
                                         _mm_or_si128(_mm_cmpeq_epi8(u, open),
                                                      _mm_cmpeq_epi8(u, close))));
    return _mm_movemask_epi8(hit);
}

/* The 16 code units of this kind at s as 16 bytes: an ASCII character stays itself, any
 * other becomes a byte that is no ASCII character (0x80-0xFF, or 0 from a UCS-2 unit of
 * 0x8000 or more: 0 is no special either), by the saturating packs. So the specials and
 * '"' of a wide text are found 16 characters at a time, as in a Latin-1 one. */
ALWAYS_INLINE __m128i
pack16(int kind, const void *s)
{
    const __m128i *p = (const __m128i *)s;
    if (kind == PyUnicode_1BYTE_KIND) return _mm_loadu_si128(p);
    if (kind == PyUnicode_2BYTE_KIND) {
        return _mm_packus_epi16(_mm_loadu_si128(p), _mm_loadu_si128(p + 1));
    }
    __m128i lo = _mm_packs_epi32(_mm_loadu_si128(p), _mm_loadu_si128(p + 1));
    __m128i hi = _mm_packs_epi32(_mm_loadu_si128(p + 2), _mm_loadu_si128(p + 3));
    return _mm_packus_epi16(lo, hi);
}
#endif

/* Any of '":,{}[]' CR LF among the n code units of this kind at data? */
static int
has_special(int kind, const void *data, Py_ssize_t n)
{
    Py_ssize_t i = 0;
#if defined(__SSE2__)
    if (use_simd) {
        for (; i + 16 <= n; i += 16) {
            if (special_mask(pack16(kind, (const char *)data + i * kind))) return 1;
        }
    }
#endif
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *d = data;
        unsigned char bad = 0;
        for (; i < n; i++) bad |= special_ascii[d[i]];
        return bad;
    }
    for (; i < n; i++) {
        if (is_special(PyUnicode_READ(kind, data, i))) return 1;
    }
    return 0;
}

/* The first index >= i of a '"' among the n code units of this kind at data, or n. */
static Py_ssize_t
find_quote(int kind, const void *data, Py_ssize_t i, Py_ssize_t n)
{
    if (kind == PyUnicode_1BYTE_KIND) {
        const char *d = data;
        const char *q = memchr(d + i, '"', (size_t)(n - i));
        return q == NULL ? n : q - d;
    }
#if defined(__SSE2__)
    if (use_simd) {
        const __m128i quote = _mm_set1_epi8('"');
        for (; i + 16 <= n; i += 16) {
            __m128i v = pack16(kind, (const char *)data + i * kind);
            if (_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote))) break; /* it is among these */
        }
    }
#endif
    for (; i < n; i++) {
        if (PyUnicode_READ(kind, data, i) == '"') return i;
    }
    return n;
}

/* _NEEDS_QUOTES(text) is not None, for a non-empty text. */
static int
needs_quotes(PyObject *s)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_UCS4 first = PyUnicode_READ(kind, data, 0);
    if (jsv_is_space(first) || first == 0xFEFF) return 1;
    if (jsv_is_space(PyUnicode_READ(kind, data, n - 1))) return 1;
    return has_special(kind, data, n);
}

/* quote(text): '"' + text.replace('"', '""') + '"'. */
static int
write_quoted(Writer *w, PyObject *s)
{
    if (writer_widen(w, PyUnicode_MAX_CHAR_VALUE(s)) < 0) return -1;
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    if (write_char(w, '"') < 0) return -1;
    Py_ssize_t start = 0, i;
    for (Py_ssize_t from = 0; (i = find_quote(kind, data, from, n)) < n; from = i + 1) {
        if (write_sub(w, s, start, i + 1) < 0) return -1;
        start = i; /* the '"' is written again: doubled */
    }
    if (write_sub(w, s, start, n) < 0) return -1;
    return write_char(w, '"');
}

/* A str by the rule of spec §4 (quote()). */
static int
write_string_general(Writer *w, PyObject *s)
{
    if (PyUnicode_READY(s) < 0) return -1;
    if (PyUnicode_GET_LENGTH(s) == 0 || needs_quotes(s)) return write_quoted(w, s);
    if (writer_widen(w, PyUnicode_MAX_CHAR_VALUE(s)) < 0) return -1;
    return write_sub(w, s, 0, PyUnicode_GET_LENGTH(s));
}

/* Any of '":,{}[]' CR LF among the n ASCII characters at s? Short texts are read in two
 * overlapping halves, long ones 16 bytes at a time and the rest as the last 16. */
ALWAYS_INLINE int
ascii_has_special(const Py_UCS1 *s, Py_ssize_t n)
{
#if defined(__SSE2__)
    if (!use_simd) {
        /* the scalar twin, below */
    }
    else if (n >= 16) {
        Py_ssize_t i = 0;
        for (; i + 16 <= n; i += 16) {
            if (special_mask(_mm_loadu_si128((const __m128i *)(s + i)))) return 1;
        }
        return i < n && special_mask(_mm_loadu_si128((const __m128i *)(s + n - 16)));
    }
    else if (n >= 8) {
        __m128i v = _mm_unpacklo_epi64(_mm_loadl_epi64((const __m128i *)s),
                                       _mm_loadl_epi64((const __m128i *)(s + n - 8)));
        return special_mask(v) != 0;
    }
#endif
    unsigned char bad = 0;
    for (Py_ssize_t i = 0; i < n; i++) bad |= special_ascii[s[i]];
    return bad;
}

#define COPY_CHECK(T)                                                                     \
    do {                                                                                  \
        T *dst = (T *)w->data + w->len;                                                   \
        for (Py_ssize_t i = 0; i < n; i++) {                                              \
            Py_UCS1 c = src[i];                                                           \
            dst[i] = c;                                                                   \
            bad |= special_ascii[c];                                                      \
        }                                                                                 \
    } while (0)

ALWAYS_INLINE int
write_string(Writer *w, PyObject *s)
{
    if (LIKELY(PyUnicode_IS_COMPACT_ASCII(s))) {
        Py_ssize_t n = PyUnicode_GET_LENGTH(s);
        const Py_UCS1 *src = (const Py_UCS1 *)(((PyASCIIObject *)s) + 1);
        if (n > 0 && !JSV_ASCII_SPACE[src[0]] && !JSV_ASCII_SPACE[src[n - 1]]) {
            if (writer_reserve(w, n) < 0) return -1;
            if (n < 8) {
                /* short: copy while checking; the copy counts only if nothing is special */
                unsigned char bad = 0;
                if (LIKELY(w->kind == PyUnicode_1BYTE_KIND)) {
                    COPY_CHECK(Py_UCS1);
                }
                else if (w->kind == PyUnicode_2BYTE_KIND) {
                    COPY_CHECK(Py_UCS2);
                }
                else {
                    COPY_CHECK(Py_UCS4);
                }
                if (LIKELY(!bad)) {
                    w->len += n;
                    return 0;
                }
            }
            else if (!ascii_has_special(src, n)) {
                put_latin1(w, w->len, src, n);
                w->len += n;
                return 0;
            }
        }
        if (n > 0 && memchr(src, '"', (size_t)n) == NULL) {
            /* the common quoted text (a time, a name with a comma): no '"' to double */
            if (writer_reserve(w, n + 2) < 0) return -1;
            PyUnicode_WRITE(w->kind, w->data, w->len, '"');
            put_latin1(w, w->len + 1, src, n);
            PyUnicode_WRITE(w->kind, w->data, w->len + n + 1, '"');
            w->len += n + 2;
            return 0;
        }
        return write_quoted(w, s);
    }
    return write_string_general(w, s);
}

static int
write_int(Writer *w, PyObject *v)
{
    int overflow;
    long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
    if (overflow == 0) {
        if (x == -1 && PyErr_Occurred()) return -1;
        char buf[24];
        char *end = buf + sizeof(buf);
        char *p = end;
        unsigned long long u = x < 0 ? 0ULL - (unsigned long long)x : (unsigned long long)x;
        do {
            *--p = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        if (x < 0) *--p = '-';
        return write_ascii(w, p, end - p);
    }
    PyObject *text = PyLong_Type.tp_repr(v);
    if (text == NULL) return -1;
    int r = write_str(w, text);
    Py_DECREF(text);
    return r;
}

/* float_text() of _scalars.py: .NET's shortest round-trip form. */
static int
write_float(Writer *w, double v)
{
    if (isnan(v)) return write_ascii(w, "NaN", 3);
    if (isinf(v)) return v > 0 ? write_ascii(w, "Infinity", 8) : write_ascii(w, "-Infinity", 9);
    char *r = PyOS_double_to_string(v, 'r', 0, Py_DTSF_ADD_DOT_0, NULL);
    if (r == NULL) return -1;
    char out[64];
    size_t len = strlen(r);
    size_t o = 0;
    char *e = strchr(r, 'e');
    if (len > 40) { /* cannot happen for a double; stay safe */
        PyMem_Free(r);
        PyErr_SetString(PyExc_SystemError, "unexpected float representation");
        return -1;
    }
    if (e != NULL) {
        size_t mlen = (size_t)(e - r);
        if (mlen >= 2 && r[mlen - 2] == '.' && r[mlen - 1] == '0') mlen -= 2;
        memcpy(out, r, mlen);
        o = mlen;
        long power = strtol(e + 1, NULL, 10);
        out[o++] = 'E';
        out[o++] = power < 0 ? '-' : '+';
        o += (size_t)snprintf(out + o, sizeof(out) - o, "%02ld", power < 0 ? -power : power);
    }
    else {
        if (len >= 2 && r[len - 2] == '.' && r[len - 1] == '0') len -= 2;
        if (fabs(v) >= 1e15) {
            const char *t = r;
            if (*t == '-') {
                out[o++] = '-';
                t++;
            }
            char digits[48];
            size_t nd = 0;
            for (; t < r + len; t++) {
                if (*t != '.') digits[nd++] = *t;
            }
            size_t rest_end = nd;
            while (rest_end > 1 && digits[rest_end - 1] == '0') rest_end--;
            out[o++] = digits[0];
            if (rest_end > 1) {
                out[o++] = '.';
                memcpy(out + o, digits + 1, rest_end - 1);
                o += rest_end - 1;
            }
            memcpy(out + o, "E+15", 4);
            o += 4;
        }
        else {
            memcpy(out, r, len);
            o = len;
        }
    }
    PyMem_Free(r);
    return write_ascii(w, out, (Py_ssize_t)o);
}

/* ------------------------------------------------------------------------------------ */
/* Encoding: the iterative encoder                                                      */

enum { KIND_LIST = 0, KIND_DICT = 1, KIND_FIELDS = 2 }; /* as _LIST, _DICT, _FIELDS */

enum {
    ITER_SINGLE,  /* the top-level pseudo list holding obj */
    ITER_LIST,    /* an exact list, by index */
    ITER_TUPLE,   /* an exact tuple, by index */
    ITER_ITEMS,   /* any iterable of items, with enumerate() indexes */
    ITER_DICT,    /* an exact dict, by PyDict_Next */
    ITER_PAIRS,   /* an iterator of (key, value) pairs: iter(d.items()) */
    ITER_FIELDS,  /* a dataclass: (written key, value) from its field table and values */
};

typedef struct {
    int kind;
    int iter_mode;
    PyObject *container; /* the object opened (for sets: the sorted list); owned */
    PyObject *iter;      /* ITER_ITEMS/ITER_PAIRS: the iterator */
    PyObject *table;     /* ITER_FIELDS: the written keys, with their colon */
    PyObject *spec;      /* what is declared for the items (§23), or NULL for nothing:
                          * ITER_FIELDS: the fields' hint specs (a tuple), owned; others:
                          * the hint spec of every item (a list: of each position),
                          * borrowed from a parent frame's (or the encode() argument) */
    Py_ssize_t index;    /* next index / PyDict_Next position */
    Py_ssize_t size;     /* ITER_DICT: the size when iteration started; FIELDS: of table */
    Py_ssize_t base;     /* ITER_FIELDS: where its values start in the value stack */
    PyObject *here;      /* the key of the current item (DICT, FIELDS); owned */
    Py_ssize_t here_index; /* LIST: the index of the current item, -1 for none */
} EncodeFrame;

#define ENCODE_LOCAL_FRAMES 32

/* The circular-reference test compares a container about to be opened with every open
 * one. The first OPEN_LINEAR frames are compared one by one (cheap for the usual shallow
 * documents); the frames deeper than that are also kept in a small open-addressing set of
 * their containers' addresses, so that a deep document costs a lookup per container
 * instead of a scan of all its ancestors (which made a 200-deep document quadratic). */
#define OPEN_LINEAR 8

typedef struct {
    Writer w;
    /* the field values of the dataclasses being written, read when each is opened: one
     * stack of strong references for all, instead of a tuple per instance */
    ValueStack values;
    EncodeFrame local[ENCODE_LOCAL_FRAMES];
    EncodeFrame *frames;
    Py_ssize_t depth; /* the index of the current frame */
    Py_ssize_t capacity;
    PyObject *obj;
    PyObject *rename;     /* as given */
    PyObject *rename_fn;  /* rename_function(rename) */
    PyObject *default_fn; /* NULL: none */
    PyObject *unit;       /* NULL: compact */
    int keep_none;
    PyObject *set_key;    /* the sort key for sets, created on first use */
    PyObject **open_set;  /* the containers of frames >= OPEN_LINEAR; NULL until needed */
    size_t open_mask;     /* its size - 1 (a power of two) */
} Encoder;

ALWAYS_INLINE size_t
open_set_hash(const Encoder *e, PyObject *obj)
{
    /* Fibonacci hashing of the address (its low bits are alignment) */
    uint64_t h = (uint64_t)(uintptr_t)obj * 0x9E3779B97F4A7C15ULL;
    return (size_t)(h >> 40) & e->open_mask;
}

/* Whether obj is in the set of deep open containers (linear probing). */
static int
open_set_has(const Encoder *e, PyObject *obj)
{
    if (e->open_set == NULL) return 0;
    for (size_t i = open_set_hash(e, obj);; i = (i + 1) & e->open_mask) {
        if (e->open_set[i] == obj) return 1;
        if (e->open_set[i] == NULL) return 0;
    }
}

static void
open_set_put(Encoder *e, PyObject *obj)
{
    size_t i = open_set_hash(e, obj);
    while (e->open_set[i] != NULL) i = (i + 1) & e->open_mask;
    e->open_set[i] = obj;
}

/* Add obj, the container of the frame about to be pushed at depth e->depth + 1. The set
 * starts small and is rebuilt four times as large when half full; the frames' containers
 * are put back in the order of their opening, which keeps open_set_remove() valid. */
static int
open_set_add(Encoder *e, PyObject *obj)
{
    size_t count = (size_t)(e->depth + 1 - OPEN_LINEAR); /* already in the set */
    if (e->open_set == NULL || 2 * (count + 1) > e->open_mask + 1) {
        size_t size = e->open_set == NULL ? 512 : 4 * (e->open_mask + 1);
        PyObject **table = PyMem_Calloc(size, sizeof(PyObject *));
        if (table == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        PyMem_Free(e->open_set);
        e->open_set = table;
        e->open_mask = size - 1;
        for (Py_ssize_t i = OPEN_LINEAR; i <= e->depth; i++) {
            open_set_put(e, e->frames[i].container);
        }
    }
    open_set_put(e, obj);
    return 0;
}

/* Remove obj, the container added last (frames close in the reverse order of their
 * opening): no container added before it probed past its slot, which was empty then, so
 * emptying the slot again breaks no probe sequence. */
static void
open_set_remove(Encoder *e, PyObject *obj)
{
    for (size_t i = open_set_hash(e, obj);; i = (i + 1) & e->open_mask) {
        if (e->open_set[i] == obj) {
            e->open_set[i] = NULL;
            return;
        }
    }
}

static void
frame_clear(EncodeFrame *f)
{
    Py_CLEAR(f->container);
    Py_CLEAR(f->iter);
    Py_CLEAR(f->table);
    if (f->iter_mode == ITER_FIELDS) Py_CLEAR(f->spec);
    Py_CLEAR(f->here);
}

/* _path(stack, here, kind) of _encode.py, for the current frame (here_none: key None). */
static PyObject *
encoder_path_upto(Encoder *e, Py_ssize_t upto, int here_none)
{
    PyObject *stack = PyList_New(0);
    if (stack == NULL) return NULL;
    PyObject *result = NULL, *here = NULL;
    for (Py_ssize_t i = 0; i <= upto; i++) {
        EncodeFrame *f = &e->frames[i];
        PyObject *key;
        if (f->kind == KIND_LIST) {
            if (f->here_index < 0 || f->iter_mode == ITER_SINGLE) {
                key = Py_None;
                Py_INCREF(key);
            }
            else {
                key = PyLong_FromSsize_t(f->here_index);
                if (key == NULL) goto done;
            }
        }
        else {
            key = f->here != NULL ? f->here : Py_None;
            Py_INCREF(key);
        }
        if (i == upto) {
            here = key;
            break;
        }
        PyObject *kind = PyLong_FromLong(f->kind);
        if (kind == NULL) {
            Py_DECREF(key);
            goto done;
        }
        PyObject *frame = PyTuple_Pack(4, Py_None, kind, Py_None, key);
        Py_DECREF(kind);
        Py_DECREF(key);
        if (frame == NULL) goto done;
        int r = PyList_Append(stack, frame);
        Py_DECREF(frame);
        if (r < 0) goto done;
    }
    if (here_none) {
        Py_DECREF(here);
        here = Py_None;
        Py_INCREF(here);
    }
    result = PyObject_CallFunction(py_path, "OOi", stack, here, e->frames[upto].kind);
done:
    Py_XDECREF(here);
    Py_DECREF(stack);
    return result;
}

static PyObject *
encoder_path(Encoder *e, int here_none)
{
    return encoder_path_upto(e, e->depth, here_none);
}

/* Raise EncodeError(fmt.format(path=<path of the current item>)). */
static void
encoder_error_path_upto(Encoder *e, Py_ssize_t upto, PyObject *fmt, int here_none,
                        PyObject *type_of)
{
    PyObject *path = encoder_path_upto(e, upto, here_none);
    if (path == NULL) return;
    PyObject *msg;
    if (type_of != NULL) {
        PyObject *name = type_name(type_of);
        if (name == NULL) {
            Py_DECREF(path);
            return;
        }
        msg = format_message(fmt, str_type, name, str_path, path);
        Py_DECREF(name);
    }
    else {
        msg = format_message(fmt, str_path, path, NULL, NULL);
    }
    Py_DECREF(path);
    if (msg == NULL) return;
    PyObject *exc = PyObject_CallOneArg(EncodeError, msg);
    Py_DECREF(msg);
    if (exc != NULL) {
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
        Py_DECREF(exc);
    }
}

static void
encoder_error_path(Encoder *e, PyObject *fmt, int here_none, PyObject *type_of)
{
    encoder_error_path_upto(e, e->depth, fmt, here_none, type_of);
}

/* Replace the pending exception (a ScalarError, or the ValueError of an int with too many
 * digits) by EncodeError(f"{error} (at {path})"), as the pure encoder does. */
static void
encoder_error_from_exception(Encoder *e, int here_none)
{
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    PyObject *path = encoder_path(e, here_none);
    if (path != NULL && value != NULL) {
        PyObject *msg = PyUnicode_FromFormat("%S (at %S)", value, path);
        if (msg != NULL) {
            PyObject *exc = PyObject_CallOneArg(EncodeError, msg);
            Py_DECREF(msg);
            if (exc != NULL) {
                PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
                Py_DECREF(exc);
            }
        }
    }
    Py_XDECREF(path);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
}

/* The next item of the current frame: 1 with new references in *key (may stay NULL for
 * lists) and *value, 0 when exhausted, -1 on error. Updates here/here_index. */
static int
next_item(Encoder *e, EncodeFrame *f, PyObject **key, PyObject **value)
{
    *key = NULL;
    *value = NULL;
    switch (f->iter_mode) {
    case ITER_SINGLE:
        if (f->index > 0) return 0;
        f->index = 1;
        *value = f->container;
        Py_INCREF(*value);
        f->here_index = -1;
        return 1;
    case ITER_LIST:
        if (f->index >= PyList_GET_SIZE(f->container)) return 0;
        *value = PyList_GET_ITEM(f->container, f->index);
        Py_INCREF(*value);
        f->here_index = f->index++;
        return 1;
    case ITER_TUPLE:
        if (f->index >= PyTuple_GET_SIZE(f->container)) return 0;
        *value = PyTuple_GET_ITEM(f->container, f->index);
        Py_INCREF(*value);
        f->here_index = f->index++;
        return 1;
    case ITER_ITEMS: {
        PyObject *item = PyIter_Next(f->iter);
        if (item == NULL) return PyErr_Occurred() ? -1 : 0;
        *value = item;
        f->here_index = f->index++;
        return 1;
    }
    case ITER_DICT: {
        PyObject *k, *v;
        if (PyDict_GET_SIZE(f->container) != f->size) {
            f->size = -1; /* sticky, as the dict iterator */
            PyErr_SetString(PyExc_RuntimeError, "dictionary changed size during iteration");
            return -1;
        }
        if (!PyDict_Next(f->container, &f->index, &k, &v)) return 0;
        Py_INCREF(k);
        Py_INCREF(v);
        Py_XSETREF(f->here, k);
        Py_INCREF(k);
        *key = k;
        *value = v;
        return 1;
    }
    case ITER_PAIRS: {
        PyObject *item = PyIter_Next(f->iter);
        if (item == NULL) return PyErr_Occurred() ? -1 : 0;
        PyObject *k, *v;
        if (PyTuple_CheckExact(item) && PyTuple_GET_SIZE(item) == 2) {
            k = PyTuple_GET_ITEM(item, 0);
            v = PyTuple_GET_ITEM(item, 1);
            Py_INCREF(k);
            Py_INCREF(v);
        }
        else {
            PyObject *seq;
            if (PyTuple_CheckExact(item) || PyList_CheckExact(item)) {
                seq = item;
                Py_INCREF(seq);
            }
            else {
                PyObject *it = PyObject_GetIter(item);
                if (it == NULL) {
                    if (PyErr_ExceptionMatches(PyExc_TypeError)) {
                        PyErr_Clear();
                        PyErr_Format(PyExc_TypeError, "cannot unpack non-iterable %.200s object",
                                     Py_TYPE(item)->tp_name);
                    }
                    Py_DECREF(item);
                    return -1;
                }
                Py_DECREF(it);
                seq = PySequence_Tuple(item);
                if (seq == NULL) {
                    Py_DECREF(item);
                    return -1;
                }
            }
            Py_ssize_t size = PySequence_Fast_GET_SIZE(seq);
            if (size != 2) {
                if (size < 2) {
                    PyErr_Format(PyExc_ValueError,
                                 "not enough values to unpack (expected 2, got %zd)", size);
                }
                else {
                    PyErr_SetString(PyExc_ValueError, "too many values to unpack (expected 2)");
                }
                Py_DECREF(seq);
                Py_DECREF(item);
                return -1;
            }
            k = PySequence_Fast_GET_ITEM(seq, 0);
            v = PySequence_Fast_GET_ITEM(seq, 1);
            Py_INCREF(k);
            Py_INCREF(v);
            Py_DECREF(seq);
        }
        Py_DECREF(item);
        Py_XSETREF(f->here, k);
        Py_INCREF(k);
        *key = k;
        *value = v;
        return 1;
    }
    case ITER_FIELDS: {
        if (f->index >= f->size) return 0;
        PyObject *k = PyTuple_GET_ITEM(f->table, f->index);
        PyObject *v = e->values.items[f->base + f->index];
        f->index++;
        Py_INCREF(k);
        Py_INCREF(v);
        Py_XSETREF(f->here, k);
        Py_INCREF(k);
        *key = k;
        *value = v;
        return 1;
    }
    }
    return 0;
}

/* "\n" + unit * level */
static int
write_newline(Encoder *e, Py_ssize_t level)
{
    if (write_char(&e->w, '\n') < 0) return -1;
    for (Py_ssize_t i = 0; i < level; i++) {
        if (write_str(&e->w, e->unit) < 0) return -1;
    }
    return 0;
}

static int
is_dataclass_instance(PyObject *value)
{
    if (PyType_Check(value)) return 0;
    return PyObject_HasAttr((PyObject *)Py_TYPE(value), str_dataclass_fields);
}

static int
is_container(PyObject *value)
{
    if (PyDict_Check(value) || PyList_Check(value) || PyTuple_Check(value) ||
        PyAnySet_Check(value)) {
        return 1;
    }
    return is_dataclass_instance(value);
}

static int tv_write_str_enum(Writer *w, PyObject *value); /* in _speedups_typed.c */
static int tv_is_dataclass(PyObject *value);
static int tv_is_enum(PyObject *value);
static int tv_enum_or_dataclass(Writer *w, PyObject *value);
static Py_ssize_t tv_field_values(PyObject *value, PyObject *rename_fn, PyObject *colon,
                                  PyObject **keys, PyObject **hints, PyObject **hint,
                                  ValueStack *values);

/* Open container value (a new reference, consumed) as a new frame; plain_dataclass: it
 * is known to be a dataclass that is no dict, list, tuple or set. */
static int
open_container_as(Encoder *e, PyObject *value, int plain_dataclass)
{
    EncodeFrame nf;
    memset(&nf, 0, sizeof(nf));
    nf.here_index = -1;
    PyObject *hint = NULL; /* the __type entry to start the map with, if any */
    /* what is declared where value stands (§23): a class, True (a union), (items,) */
    EncodeFrame *pf = &e->frames[e->depth];
    PyObject *spec = pf->spec;
    if (spec != NULL) {
        if (pf->iter_mode == ITER_FIELDS) {
            spec = PyTuple_GET_ITEM(spec, pf->index - 1);
        }
        else if (PyList_CheckExact(spec)) { /* by position: a tuple's items declared apart */
            spec = pf->kind == KIND_LIST && pf->here_index >= 0 &&
                           pf->here_index < PyList_GET_SIZE(spec)
                       ? PyList_GET_ITEM(spec, pf->here_index)
                       : NULL;
        }
        if (spec == Py_None) spec = NULL;
    }
    if (e->depth >= MAX_DEPTH) {
        encoder_error_path(e, MSG_ENCODE_TOO_DEEP, 0, NULL);
        goto fail;
    }
    Py_ssize_t linear = e->depth < OPEN_LINEAR ? e->depth : OPEN_LINEAR - 1;
    for (Py_ssize_t i = 1; i <= linear; i++) {
        if (e->frames[i].container == value) {
            encoder_error_path(e, MSG_CIRCULAR, 0, NULL);
            goto fail;
        }
    }
    if (e->depth >= OPEN_LINEAR && open_set_has(e, value)) {
        encoder_error_path(e, MSG_CIRCULAR, 0, NULL);
        goto fail;
    }
    if (plain_dataclass) {
        goto dataclass;
    }
    else if (PyDict_Check(value)) {
        if (write_char(&e->w, '{') < 0) goto fail;
        nf.kind = KIND_DICT;
        if (PyDict_CheckExact(value)) {
            nf.iter_mode = ITER_DICT;
            nf.size = PyDict_GET_SIZE(value);
        }
        else {
            PyObject *items = PyObject_CallMethodNoArgs(value, str_items);
            if (items == NULL) goto fail;
            nf.iter = PyObject_GetIter(items);
            Py_DECREF(items);
            if (nf.iter == NULL) goto fail;
            nf.iter_mode = ITER_PAIRS;
        }
        if (spec != NULL && PyTuple_CheckExact(spec)) nf.spec = PyTuple_GET_ITEM(spec, 0);
    }
    else if (PyList_Check(value) || PyTuple_Check(value) || PyAnySet_Check(value)) {
        if (!PyList_Check(value) && !PyTuple_Check(value)) { /* a set */
            if (e->set_key == NULL) {
                PyObject *kwargs = Py_BuildValue("{OOOOOO}", str_rename, e->rename, str_indent,
                                                 Py_None, str_default,
                                                 e->default_fn ? e->default_fn : Py_None);
                if (kwargs == NULL) goto fail;
                PyObject *args = PyTuple_Pack(1, py_encode);
                if (args == NULL) {
                    Py_DECREF(kwargs);
                    goto fail;
                }
                e->set_key = PyObject_Call(py_partial, args, kwargs);
                Py_DECREF(args);
                Py_DECREF(kwargs);
                if (e->set_key == NULL) goto fail;
            }
            PyObject *kwargs = Py_BuildValue("{OO}", str_key, e->set_key);
            if (kwargs == NULL) goto fail;
            PyObject *args = PyTuple_Pack(1, value);
            if (args == NULL) {
                Py_DECREF(kwargs);
                goto fail;
            }
            PyObject *sorted = PyObject_Call(py_sorted, args, kwargs);
            Py_DECREF(args);
            Py_DECREF(kwargs);
            if (sorted == NULL) {
                /* Unsorted: the loop reports the bad item at its own path. */
                if (!PyErr_ExceptionMatches(EncodeError)) goto fail;
                PyErr_Clear();
                sorted = PySequence_List(value);
                if (sorted == NULL) goto fail;
            }
            Py_SETREF(value, sorted);
        }
        /* len(value) == 1 and value[0] is None */
        int single_none;
        if (PyList_CheckExact(value)) {
            single_none = PyList_GET_SIZE(value) == 1 && PyList_GET_ITEM(value, 0) == Py_None;
            nf.iter_mode = ITER_LIST;
        }
        else if (PyTuple_CheckExact(value)) {
            single_none = PyTuple_GET_SIZE(value) == 1 && PyTuple_GET_ITEM(value, 0) == Py_None;
            nf.iter_mode = ITER_TUPLE;
        }
        else {
            Py_ssize_t size = PyObject_Size(value);
            if (size < 0) goto fail;
            single_none = 0;
            if (size == 1) {
                PyObject *zero = PyLong_FromLong(0);
                if (zero == NULL) goto fail;
                PyObject *first = PyObject_GetItem(value, zero);
                Py_DECREF(zero);
                if (first == NULL) goto fail;
                single_none = first == Py_None;
                Py_DECREF(first);
            }
            nf.iter_mode = ITER_ITEMS;
        }
        if (single_none) {
            encoder_error_path(e, MSG_SINGLE_NONE_LIST, 0, NULL);
            goto fail;
        }
        if (write_char(&e->w, '[') < 0) goto fail;
        nf.kind = KIND_LIST;
        if (spec != NULL && PyTuple_CheckExact(spec)) nf.spec = PyTuple_GET_ITEM(spec, 0);
        if (nf.iter_mode == ITER_ITEMS) {
            nf.iter = PyObject_GetIter(value);
            if (nf.iter == NULL) goto fail;
        }
    }
    else {
    dataclass:
        /* a dataclass: its written keys (with the colon) and its field values */
        if (write_char(&e->w, '{') < 0) goto fail;
        nf.base = e->values.top;
        nf.iter_mode = ITER_FIELDS; /* (fail releases the specs of such a frame) */
        Py_ssize_t count = tv_field_values(value, e->rename_fn,
                                           e->unit != NULL ? str_colon_space : str_colon,
                                           &nf.table, &nf.spec,
                                           spec != NULL && (spec == Py_True ||
                                                            (!PyTuple_CheckExact(spec) &&
                                                             spec != (PyObject *)Py_TYPE(value)))
                                               ? &hint
                                               : NULL,
                                           &e->values);
        if (count < 0) goto fail;
        nf.size = PyTuple_GET_SIZE(nf.table);
        if (count != nf.size) {
            vs_drop(&e->values, nf.base);
            PyErr_Format(PyExc_ValueError, "zip() argument 2 is %s than argument 1",
                         count < nf.size ? "shorter" : "longer");
            goto fail;
        }
        nf.kind = KIND_FIELDS;
        nf.iter_mode = ITER_FIELDS;
    }
    nf.container = value; /* takes the reference */
    if (e->depth + 1 >= OPEN_LINEAR && open_set_add(e, value) < 0) {
        if (nf.iter_mode == ITER_FIELDS) vs_drop(&e->values, nf.base);
        frame_clear(&nf);
        Py_XDECREF(hint);
        return -1;
    }
    if (e->depth + 1 >= e->capacity) {
        /* past the local frames, a deep document: room for 256 at once */
        Py_ssize_t new_capacity = e->capacity < 256 ? 256 : e->capacity * 2;
        EncodeFrame *grown;
        if (e->frames == e->local) {
            grown = PyMem_Malloc(sizeof(EncodeFrame) * (size_t)new_capacity);
            if (grown != NULL) memcpy(grown, e->local, sizeof(e->local));
        }
        else {
            grown = PyMem_Realloc(e->frames, sizeof(EncodeFrame) * (size_t)new_capacity);
        }
        if (grown == NULL) {
            PyErr_NoMemory();
            if (e->depth + 1 >= OPEN_LINEAR) open_set_remove(e, value);
            if (nf.iter_mode == ITER_FIELDS) vs_drop(&e->values, nf.base);
            frame_clear(&nf);
            Py_XDECREF(hint);
            return -1;
        }
        e->frames = grown;
        e->capacity = new_capacity;
    }
    e->depth++;
    e->frames[e->depth] = nf;
    if (hint != NULL) {
        /* the __type entry, first in the map (the frame now owns what nf held) */
        int r = (e->unit != NULL ? write_newline(e, e->depth) : 0) < 0 ||
                        write_str(&e->w, hint) < 0 || write_char(&e->w, ',') < 0
                    ? -1
                    : 0;
        Py_DECREF(hint);
        return r;
    }
    return 0;
fail:
    Py_XDECREF(nf.iter);
    Py_XDECREF(nf.table);
    if (nf.iter_mode == ITER_FIELDS) Py_XDECREF(nf.spec);
    Py_XDECREF(hint);
    Py_DECREF(value);
    return -1;
}

static int
open_container(Encoder *e, PyObject *value)
{
    return open_container_as(e, value, 0);
}

/* The size of the list being written by the current frame (len(container)). */
static Py_ssize_t
frame_length(EncodeFrame *f)
{
    if (f->iter_mode == ITER_LIST) return PyList_GET_SIZE(f->container);
    if (f->iter_mode == ITER_TUPLE) return PyTuple_GET_SIZE(f->container);
    return PyObject_Size(f->container);
}

/* A value of no common type: write its token or open it (value: a new reference, consumed).
 * Mirrors the main loop of _encode.encode() around _resolve(). mark: the output length
 * before this map entry's key (to omit the entry). Returns 0 (written), 1 (opened),
 * 2 (entry omitted) or -1. */
static int
encode_other(Encoder *e, PyObject *value, Py_ssize_t mark)
{
    PyObject *token;
    int c = tv_write_str_enum(&e->w, value); /* an enum member with a str value, natively */
    if (c < 0) goto fail;
    if (c) {
        Py_DECREF(value);
        return 0;
    }
    c = tv_is_dataclass(value);
    if (c < 0) goto fail;
    if (c) return open_container_as(e, value, c == 2) < 0 ? -1 : 1;
    if (PyFloat_Check(value) || PyUnicode_Check(value)) {
        /* a subclass of float or str that is no enum: written by its base type's value,
         * read from the object (_scalar_token() reads it so too: no method of the
         * subclass runs) */
        c = tv_is_enum(value);
        if (c < 0) goto fail;
        if (!c) {
            int r = PyFloat_Check(value) ? write_float(&e->w, PyFloat_AS_DOUBLE(value))
                                         : write_string(&e->w, value);
            Py_DECREF(value);
            return r < 0 ? -1 : 0;
        }
    }
    token = PyObject_CallOneArg(py_scalar_token, value);
    if (token == NULL) {
        if (!PyErr_ExceptionMatches(ScalarError)) goto fail;
        PyErr_Clear(); /* _resolve() below raises it again, with the path */
    }
    else if (token != Py_None) {
        Py_DECREF(value);
        int r = write_str(&e->w, token);
        Py_DECREF(token);
        return r;
    }
    else {
        Py_DECREF(token);
        c = is_container(value);
        if (c < 0) goto fail;
        if (c) return open_container(e, value) < 0 ? -1 : 1;
    }
    /* Everything else (default=, errors) goes through _resolve() itself. */
    PyObject *path = encoder_path(e, 0);
    if (path == NULL) goto fail;
    PyObject *where = PyObject_GetAttr(path, str_str_method);
    Py_DECREF(path);
    if (where == NULL) goto fail;
    PyObject *result = PyObject_CallFunctionObjArgs(
        py_resolve, value, e->default_fn ? e->default_fn : Py_None, where, NULL);
    Py_DECREF(where);
    Py_DECREF(value);
    if (result == NULL) return -1;
    if (!PyTuple_CheckExact(result) || PyTuple_GET_SIZE(result) != 2) {
        Py_DECREF(result);
        PyErr_SetString(PyExc_TypeError, "_resolve must return a pair");
        return -1;
    }
    token = PyTuple_GET_ITEM(result, 0);
    if (token != Py_None) {
        EncodeFrame *f = &e->frames[e->depth];
        int empty = PyObject_Not(token);
        if (empty < 0) {
            Py_DECREF(result);
            return -1;
        }
        if (empty && f->kind != KIND_LIST && !e->keep_none) {
            /* default= gave None: omit the entry, as for any None value (spec §2) */
            Py_DECREF(result);
            writer_cut(&e->w, mark);
            e->w.cut = 1;
            return 2;
        }
        if (empty && f->kind == KIND_LIST && e->depth > 0) {
            Py_ssize_t size = frame_length(f);
            if (size < 0) {
                Py_DECREF(result);
                return -1;
            }
            if (size == 1) {
                /* default= gave the only item None: no JSV form (spec §2) */
                Py_DECREF(result);
                encoder_error_path_upto(e, e->depth - 1, MSG_SINGLE_NONE_LIST, 0, NULL);
                return -1;
            }
        }
        int r = write_str(&e->w, token);
        Py_DECREF(result);
        return r;
    }
    value = PyTuple_GET_ITEM(result, 1);
    Py_INCREF(value);
    Py_DECREF(result);
    return open_container(e, value) < 0 ? -1 : 1;
fail:
    Py_DECREF(value);
    return -1;
}

/* Write the key of a dict item (without its colon). */
static int
write_key(Encoder *e, PyObject *key)
{
    if (PyUnicode_CheckExact(key)) return write_string(&e->w, key);
    PyObject *token = PyObject_CallOneArg(py_key_token, key);
    if (token == NULL) {
        if (PyErr_ExceptionMatches(ScalarError)) encoder_error_from_exception(e, 1);
        return -1;
    }
    if (token == Py_None) {
        Py_DECREF(token);
        int c = is_dataclass_instance(key);
        if (c < 0) return -1;
        if (c) {
            /* a map as the key */
            token = PyObject_CallFunctionObjArgs(py_encode, key, e->rename, Py_None,
                                                 e->default_fn ? e->default_fn : Py_None,
                                                 NULL);
            if (token == NULL) return -1;
        }
        else {
            encoder_error_path(e, MSG_UNSUPPORTED_KEY, 1, key);
            return -1;
        }
    }
    int r = write_str(&e->w, token);
    Py_DECREF(token);
    return r;
}

/* Write a str, int, float, bool or None (exact types): 1 if written, 0 if not one, -1. */
ALWAYS_INLINE int
write_simple(Writer *w, PyObject *value)
{
    PyTypeObject *t = Py_TYPE(value);
    if (t == &PyUnicode_Type) return write_string(w, value) < 0 ? -1 : 1;
    if (t == &PyLong_Type) return write_int(w, value) < 0 ? -1 : 1;
    if (value == Py_None) return 1;
    if (t == &PyBool_Type) {
        return (value == Py_True ? write_ascii(w, "True", 4) : write_ascii(w, "False", 5)) < 0
                   ? -1
                   : 1;
    }
    if (t == &PyFloat_Type) return write_float(w, PyFloat_AS_DOUBLE(value)) < 0 ? -1 : 1;
    return 0;
}

/* Compact output, an exact dict: write the items of common types here; return the next
 * other item as next_item() does (1), or 0 when exhausted, -1 on error. */
static int
dict_fast(Encoder *e, EncodeFrame *f, PyObject **key, PyObject **value)
{
    Writer *w = &e->w;
    for (;;) {
        PyObject *k, *v;
        if (PyDict_GET_SIZE(f->container) != f->size) {
            f->size = -1;
            PyErr_SetString(PyExc_RuntimeError, "dictionary changed size during iteration");
            return -1;
        }
        if (!PyDict_Next(f->container, &f->index, &k, &v)) return 0;
        if (v == Py_None && !e->keep_none) continue;
        if (LIKELY(PyUnicode_CheckExact(k))) {
            PyTypeObject *t = Py_TYPE(v);
            if (t == &PyUnicode_Type || t == &PyLong_Type || t == &PyBool_Type ||
                t == &PyFloat_Type || v == Py_None) {
                if (write_string(w, k) < 0 || write_char(w, ':') < 0) return -1;
                if (write_simple(w, v) < 0) {
                    if (t == &PyLong_Type && PyErr_ExceptionMatches(PyExc_ValueError)) {
                        /* more digits than int -> str allows */
                        Py_INCREF(k);
                        Py_XSETREF(f->here, k);
                        encoder_error_from_exception(e, 0);
                    }
                    return -1;
                }
                if (write_char(w, ',') < 0) return -1;
                continue;
            }
            if (t == &PyDict_Type || t == &PyList_Type || t == &PyTuple_Type) {
                /* a plain container: opened here, as the main loop would (2) */
                if (write_string(w, k) < 0 || write_char(w, ':') < 0) return -1;
                Py_INCREF(k);
                Py_XSETREF(f->here, k);
                Py_INCREF(v);
                return open_container(e, v) < 0 ? -1 : 2;
            }
        }
        Py_INCREF(k);
        Py_INCREF(v);
        Py_XSETREF(f->here, k);
        Py_INCREF(k);
        *key = k;
        *value = v;
        return 1;
    }
}

/* Compact output, an exact list: as dict_fast(); a plain dataclass item is opened here
 * (2), and enum members with a str value are written here. */
ALWAYS_INLINE int
list_fast(Encoder *e, EncodeFrame *f, PyObject **key, PyObject **value)
{
    Writer *w = &e->w;
    *key = NULL;
    for (;;) {
        if (f->index >= PyList_GET_SIZE(f->container)) return 0;
        PyObject *v = PyList_GET_ITEM(f->container, f->index);
        int r = write_simple(w, v);
        if (r < 0) {
            if (Py_TYPE(v) == &PyLong_Type && PyErr_ExceptionMatches(PyExc_ValueError)) {
                f->here_index = f->index; /* more digits than int -> str allows */
                encoder_error_from_exception(e, 0);
            }
            return -1;
        }
        if (r == 0) {
            PyTypeObject *t = Py_TYPE(v);
            if (t == &PyDict_Type || t == &PyList_Type || t == &PyTuple_Type) {
                /* a plain container: opened here, as the main loop would (2) */
                Py_INCREF(v);
                f->here_index = f->index++;
                return open_container(e, v) < 0 ? -1 : 2;
            }
            Py_INCREF(v); /* the class table may run code that changes the list */
            r = tv_enum_or_dataclass(w, v);
            if (r < 0) {
                Py_DECREF(v);
                return -1;
            }
            if (r == 2) { /* a plain dataclass: opened here, without the main loop's tests */
                f->here_index = f->index++;
                return open_container_as(e, v, 1) < 0 ? -1 : 2;
            }
            if (r == 0) { /* for the main loop */
                *value = v;
                f->here_index = f->index++;
                return 1;
            }
            Py_DECREF(v); /* an enum member, written */
        }
        f->index++;
        if (write_char(w, ',') < 0) return -1;
    }
}

/* Compact output, a dataclass: as dict_fast(), for the field values read at its opening;
 * enum members with a str value are written here too, and a plain dataclass value is
 * opened here (2). */
static int
fields_fast(Encoder *e, EncodeFrame *f, PyObject **key, PyObject **value)
{
    Writer *w = &e->w;
    PyObject **values = e->values.items + f->base;
    for (; f->index < f->size; f->index++) {
        PyObject *k = PyTuple_GET_ITEM(f->table, f->index);
        PyObject *v = values[f->index];
        if (v == Py_None && !e->keep_none) continue;
        PyTypeObject *t = Py_TYPE(v);
        if (t == &PyList_Type || t == &PyDict_Type || t == &PyTuple_Type) goto other;
        Py_ssize_t mark = w->len;
        if (write_str(w, k) < 0) return -1;
        int r = write_simple(w, v);
        if (r == 0) {
            r = tv_enum_or_dataclass(w, v);
            if (r == 2) { /* a plain dataclass: opened here, its key written */
                Py_INCREF(k);
                Py_XSETREF(f->here, k);
                Py_INCREF(v);
                f->index++;
                return open_container_as(e, v, 1) < 0 ? -1 : 2;
            }
            if (r == 0) {
                /* the main loop writes it, key included (the same key again: the text
                 * stays as wide as the buffer unless the entry is omitted, which marks
                 * the buffer cut) */
                writer_cut(w, mark);
                goto other;
            }
        }
        if (r < 0) {
            if (t == &PyLong_Type && PyErr_ExceptionMatches(PyExc_ValueError)) {
                Py_INCREF(k); /* more digits than int -> str allows */
                Py_XSETREF(f->here, k);
                encoder_error_from_exception(e, 0);
            }
            return -1;
        }
        if (write_char(w, ',') < 0) return -1;
        continue;
    other:
        Py_INCREF(k);
        Py_XSETREF(f->here, k);
        Py_INCREF(k);
        Py_INCREF(v);
        *key = k;
        *value = v;
        f->index++;
        return 1;
    }
    return 0;
}

static PyObject *
encoder_run(Encoder *e)
{
    Writer *w = &e->w;
    for (;;) {
        EncodeFrame *f = &e->frames[e->depth];
        PyObject *key, *value;
        Py_ssize_t mark = -1;
        int r;
        if (e->unit == NULL && f->iter_mode == ITER_DICT) {
            r = dict_fast(e, f, &key, &value);
        }
        else if (e->unit == NULL && f->iter_mode == ITER_LIST) {
            r = list_fast(e, f, &key, &value);
        }
        else if (e->unit == NULL && f->iter_mode == ITER_FIELDS) {
            r = fields_fast(e, f, &key, &value);
        }
        else {
            r = next_item(e, f, &key, &value);
        }
        if (r < 0) return NULL;
        if (r == 2) continue; /* a container was opened: its frame is the current one */
        if (r == 0) {
            /* f is exhausted: close it */
            if (e->depth == 0) break;
            char closer = f->kind == KIND_LIST ? ']' : '}';
            if (w->len > 0 && PyUnicode_READ(w->kind, w->data, w->len - 1) == ',') {
                w->len--;
                if (e->unit != NULL && write_newline(e, e->depth - 1) < 0) return NULL;
                if (write_char(w, closer) < 0) return NULL;
            }
            else if (write_char(w, closer) < 0) {
                return NULL;
            }
            if (f->iter_mode == ITER_FIELDS) vs_drop(&e->values, f->base);
            if (e->depth >= OPEN_LINEAR) open_set_remove(e, f->container);
            frame_clear(f);
            e->depth--;
            if (write_char(w, ',') < 0) return NULL;
            continue;
        }
        if (f->kind != KIND_LIST) {
            if (value == Py_None && !e->keep_none) {
                Py_DECREF(key);
                Py_DECREF(value);
                continue;
            }
            mark = w->len;
            if (e->unit != NULL && e->depth > 0 && write_newline(e, e->depth) < 0) goto fail;
            if (f->kind == KIND_FIELDS) {
                /* the written key with its colon; rstripped for None */
                Py_ssize_t before = w->len;
                if (write_str(w, key) < 0) goto fail;
                if (value == Py_None) {
                    while (w->len > before &&
                           jsv_is_space(PyUnicode_READ(w->kind, w->data, w->len - 1))) {
                        w->len--;
                    }
                }
            }
            else {
                if (write_key(e, key) < 0) goto fail;
                if (value != Py_None && e->unit != NULL) {
                    if (write_ascii(w, ": ", 2) < 0) goto fail;
                }
                else if (write_char(w, ':') < 0) {
                    goto fail;
                }
            }
            Py_CLEAR(key);
        }
        else if (e->unit != NULL && e->depth > 0) {
            if (value != Py_None) {
                if (write_newline(e, e->depth) < 0) goto fail;
            }
            else if (write_char(w, '\n') < 0) {
                goto fail;
            }
        }
        PyTypeObject *t = Py_TYPE(value);
        if (t == &PyUnicode_Type) {
            if (write_string(w, value) < 0) goto fail;
        }
        else if (t == &PyLong_Type) {
            if (write_int(w, value) < 0) {
                if (PyErr_ExceptionMatches(PyExc_ValueError)) encoder_error_from_exception(e, 0);
                goto fail;
            }
        }
        else if (t == &PyFloat_Type) {
            if (write_float(w, PyFloat_AS_DOUBLE(value)) < 0) goto fail;
        }
        else if (t == &PyBool_Type) {
            if ((value == Py_True ? write_ascii(w, "True", 4) : write_ascii(w, "False", 5)) < 0)
                goto fail;
        }
        else if (value == Py_None) {
            /* the empty token */
        }
        else if (t == &PyDict_Type || t == &PyList_Type || t == &PyTuple_Type ||
                 t == &PySet_Type || t == &PyFrozenSet_Type) {
            if (open_container(e, value) < 0) return NULL;
            continue;
        }
        else {
            Py_XDECREF(key);
            r = encode_other(e, value, mark);
            if (r < 0) return NULL;
            if (r == 1 || r == 2) continue;
            if (write_char(w, ',') < 0) return NULL;
            continue;
        }
        Py_DECREF(value);
        if (write_char(w, ',') < 0) return NULL;
        continue;
    fail:
        Py_XDECREF(key);
        Py_DECREF(value);
        return NULL;
    }
    if (w->len > 0 && PyUnicode_READ(w->kind, w->data, w->len - 1) == ',') w->len--;
    return writer_finish(w);
}

/* encode() (utf8: 0) and encode_bytes() (utf8: 1). */
static PyObject *
encode_impl(PyObject *obj, PyObject *rename, PyObject *indent, PyObject *default_fn,
            PyObject *keep_none, PyObject *hints, int utf8)
{
    PyObject *rename_fn;
    if (rename == Py_None) {
        rename_fn = Py_None;
        Py_INCREF(rename_fn);
    }
    else if (rename == str_camel ||
             (PyUnicode_CheckExact(rename) && PyUnicode_Compare(rename, str_camel) == 0)) {
        rename_fn = rename_camel;
        Py_INCREF(rename_fn);
    }
    else if (PyUnicode_CheckExact(rename) && PyUnicode_Compare(rename, str_pascal) == 0) {
        rename_fn = rename_pascal;
        Py_INCREF(rename_fn);
    }
    else if (PyUnicode_CheckExact(rename) && PyUnicode_Compare(rename, str_snake) == 0) {
        rename_fn = rename_snake;
        Py_INCREF(rename_fn);
    }
    else {
        rename_fn = PyObject_CallOneArg(py_rename_function, rename);
        if (rename_fn == NULL) return NULL;
    }

    /* Unusual options (a bad indent, a huge one, a keep_none that is not a bool) take
     * the pure encoder, which gives them its exact behaviour. */
    PyObject *unit = NULL;
    int delegate = 0;
    if (indent != Py_None) {
        if (PyLong_CheckExact(indent)) {
            Py_ssize_t width = PyLong_AsSsize_t(indent);
            if (width == -1 && PyErr_Occurred()) {
                PyErr_Clear();
                delegate = 1;
            }
            else if (width > 4096) {
                delegate = 1;
            }
            else {
                unit = PyUnicode_New(width > 0 ? width : 0, 127);
                if (unit == NULL) {
                    Py_DECREF(rename_fn);
                    return NULL;
                }
                if (width > 0) memset(PyUnicode_1BYTE_DATA(unit), ' ', (size_t)width);
            }
        }
        else if (PyUnicode_Check(indent)) {
            unit = indent;
            Py_INCREF(unit);
        }
        else {
            delegate = 1;
        }
    }
    if (keep_none != Py_True && keep_none != Py_False) delegate = 1;
    if (delegate) {
        Py_DECREF(rename_fn);
        Py_XDECREF(unit);
        return PyObject_CallFunctionObjArgs(utf8 ? py_encode_bytes : py_encode, obj, rename,
                                            indent, default_fn ? default_fn : Py_None,
                                            keep_none, hints, NULL);
    }

    Encoder e;
    if (caches_enter() < 0 || writer_init(&e.w, utf8) < 0) {
        Py_DECREF(rename_fn);
        Py_XDECREF(unit);
        return NULL;
    }
    e.frames = e.local;
    e.capacity = ENCODE_LOCAL_FRAMES;
    vs_init(&e.values);
    e.depth = 0;
    e.obj = obj;
    e.rename = rename;
    e.rename_fn = rename_fn;
    e.default_fn = default_fn == Py_None ? NULL : default_fn;
    e.unit = unit;
    e.keep_none = keep_none == Py_True;
    e.set_key = NULL;
    e.open_set = NULL;
    e.open_mask = 0;
    memset(&e.frames[0], 0, sizeof(EncodeFrame));
    e.frames[0].kind = KIND_LIST;
    e.frames[0].iter_mode = ITER_SINGLE;
    e.frames[0].here_index = -1;
    e.frames[0].spec = hints == Py_None ? NULL : hints;
    Py_INCREF(obj);
    e.frames[0].container = obj;

    PyObject *result = encoder_run(&e);

    for (Py_ssize_t i = 0; i <= e.depth; i++) frame_clear(&e.frames[i]);
    if (e.frames != e.local) PyMem_Free(e.frames);
    PyMem_Free(e.open_set);
    vs_free(&e.values);
    writer_free(&e.w);
    Py_DECREF(rename_fn);
    Py_XDECREF(unit);
    Py_XDECREF(e.set_key);
    return result;
}

PyDoc_STRVAR(encode_doc,
             "encode($module, /, obj, rename='camel', indent=None, default=None, "
             "keep_none=False, hints=None)\n--\n\n"
             "Encode obj as JSV text; see jsv.dumps().");

/* encode() and encode_bytes(): their arguments, with the defaults of jsv._encode.encode. */
static PyObject *
encode_call(const char *name, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
            int to_bytes)
{
    static const char *const names[] = {"obj",     "rename",    "indent",
                                        "default", "keep_none", "hints"};
    PyObject *a[6];
    if (unpack_args(name, names, 6, 1, args, nargs, kwnames, a) < 0) return NULL;
    return encode_impl(a[0], a[1] ? a[1] : str_camel, a[2] ? a[2] : Py_None,
                       a[3] ? a[3] : Py_None, a[4] ? a[4] : Py_False, a[5] ? a[5] : Py_None,
                       to_bytes);
}

static PyObject *
speedups_encode(PyObject *module, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    (void)module;
    return encode_call("encode", args, nargs, kwnames, 0);
}

PyDoc_STRVAR(encode_bytes_doc,
             "encode_bytes($module, /, obj, rename='camel', indent=None, default=None, "
             "keep_none=False, hints=None)\n--\n\n"
             "Encode obj as JSV text in UTF-8 bytes; see jsv.dumpb().");

static PyObject *
speedups_encode_bytes(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                      PyObject *kwnames)
{
    (void)module;
    return encode_call("encode_bytes", args, nargs, kwnames, 1);
}

PyDoc_STRVAR(set_simd_doc,
             "_set_simd($module, enabled, /)\n--\n\n"
             "Switch the SSE2 paths on or off (for the tests: off runs their scalar twins); "
             "returns the previous setting.");

static PyObject *
speedups_set_simd(PyObject *module, PyObject *enabled)
{
    (void)module;
    int on = PyObject_IsTrue(enabled);
    if (on < 0) return NULL;
    int previous = use_simd;
    use_simd = on;
    return PyBool_FromLong(previous);
}

/* ------------------------------------------------------------------------------------ */
/* Module                                                                               */

/* Module attributes read at initialisation. */
static int
get_attr(PyObject *module, const char *name, PyObject **out)
{
    *out = PyObject_GetAttrString(module, name);
    return *out == NULL ? -1 : 0;
}

static int
intern(const char *text, PyObject **out)
{
    *out = PyUnicode_InternFromString(text);
    return *out == NULL ? -1 : 0;
}

#include "_speedups_typed.c"

static PyMethodDef speedups_methods[] = {
    {"decode", (PyCFunction)(void (*)(void))speedups_decode, METH_FASTCALL | METH_KEYWORDS,
     decode_doc},
    {"decode_raw_keys", (PyCFunction)(void (*)(void))speedups_decode_raw_keys,
     METH_FASTCALL | METH_KEYWORDS, decode_raw_keys_doc},
    {"encode", (PyCFunction)(void (*)(void))speedups_encode, METH_FASTCALL | METH_KEYWORDS,
     encode_doc},
    {"encode_bytes", (PyCFunction)(void (*)(void))speedups_encode_bytes,
     METH_FASTCALL | METH_KEYWORDS, encode_bytes_doc},
    {"_set_simd", (PyCFunction)speedups_set_simd, METH_O, set_simd_doc},
    {"decode_typed", (PyCFunction)(void (*)(void))speedups_decode_typed,
     METH_FASTCALL | METH_KEYWORDS, decode_typed_doc},
    {NULL, NULL, 0, NULL},
};

static void
speedups_free(void *module)
{
    (void)module;
#ifndef Py_GIL_DISABLED
    caches_clear(&process_caches);
#endif
}

static struct PyModuleDef speedups_module = {
    PyModuleDef_HEAD_INIT,
    "jsv._speedups",
    "The C accelerator of jsv: decode, decode_raw_keys, encode and encode_bytes, as in "
    "jsv._pure.",
    -1,
    speedups_methods,
    NULL,
    NULL,
    NULL,
    speedups_free,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    const char *specials = "\":,{}[]\r\n";
    for (const char *c = specials; *c; c++) special_ascii[(unsigned char)*c] = 1;

    if (intern("camel", &str_camel) < 0 || intern("pascal", &str_pascal) < 0 ||
        intern("snake", &str_snake) < 0 || intern("", &str_empty) < 0 ||
        intern("\"", &str_quote) < 0 || intern("\"\"", &str_dquote) < 0 ||
        intern("format", &str_format) < 0 || intern("type", &str_type) < 0 ||
        intern("path", &str_path) < 0 || intern("reason", &str_reason) < 0 ||
        intern("__name__", &str_name) < 0 || intern("items", &str_items) < 0 ||
        intern("__dataclass_fields__", &str_dataclass_fields) < 0 ||
        intern("key", &str_key) < 0 || intern("rename", &str_rename) < 0 ||
        intern("indent", &str_indent) < 0 || intern("default", &str_default) < 0 ||
        intern("__str__", &str_str_method) < 0 || intern(":", &str_colon) < 0 ||
        intern(": ", &str_colon_space) < 0 || intern("char", &str_char) < 0) {
        return NULL;
    }

    PyObject *errors = PyImport_ImportModule("jsv._errors");
    if (errors == NULL) return NULL;
    PyObject *max_depth = NULL;
    int failed =
        get_attr(errors, "DecodeError", &DecodeError) < 0 ||
        get_attr(errors, "EncodeError", &EncodeError) < 0 ||
        get_attr(errors, "MSG_UNTERMINATED_STRING", &MSG_UNTERMINATED_STRING) < 0 ||
        get_attr(errors, "MSG_UNTERMINATED_MAP", &MSG_UNTERMINATED_MAP) < 0 ||
        get_attr(errors, "MSG_UNTERMINATED_LIST", &MSG_UNTERMINATED_LIST) < 0 ||
        get_attr(errors, "MSG_EXPECTED_COLON", &MSG_EXPECTED_COLON) < 0 ||
        get_attr(errors, "MSG_EXPECTED_MAP_SEP", &MSG_EXPECTED_MAP_SEP) < 0 ||
        get_attr(errors, "MSG_EXPECTED_LIST_SEP", &MSG_EXPECTED_LIST_SEP) < 0 ||
        get_attr(errors, "MSG_EXTRA_DATA", &MSG_EXTRA_DATA) < 0 ||
        get_attr(errors, "MSG_TOO_DEEP", &MSG_TOO_DEEP) < 0 ||
        get_attr(errors, "MSG_INVALID_UTF8", &MSG_INVALID_UTF8) < 0 ||
        get_attr(errors, "MSG_BAD_INPUT_TYPE", &MSG_BAD_INPUT_TYPE) < 0 ||
        get_attr(errors, "MSG_UNSUPPORTED_KEY", &MSG_UNSUPPORTED_KEY) < 0 ||
        get_attr(errors, "MSG_SINGLE_NONE_LIST", &MSG_SINGLE_NONE_LIST) < 0 ||
        get_attr(errors, "MSG_CIRCULAR", &MSG_CIRCULAR) < 0 ||
        get_attr(errors, "MSG_ENCODE_TOO_DEEP", &MSG_ENCODE_TOO_DEEP) < 0 ||
        get_attr(errors, "MSG_LONE_SURROGATE", &MSG_LONE_SURROGATE) < 0 ||
        get_attr(errors, "unterminated", &py_unterminated) < 0 ||
        get_attr(errors, "MAX_DEPTH", &max_depth) < 0;
    Py_DECREF(errors);
    if (failed) {
        Py_XDECREF(max_depth);
        return NULL;
    }
    MAX_DEPTH = PyLong_AsSsize_t(max_depth);
    Py_DECREF(max_depth);
    if (MAX_DEPTH == -1 && PyErr_Occurred()) return NULL;

    PyObject *encode_module = PyImport_ImportModule("jsv._encode");
    if (encode_module == NULL) return NULL;
    failed = get_attr(encode_module, "encode", &py_encode) < 0 ||
             get_attr(encode_module, "encode_bytes", &py_encode_bytes) < 0 ||
             get_attr(encode_module, "_scalar_token", &py_scalar_token) < 0 ||
             get_attr(encode_module, "_key_token", &py_key_token) < 0 ||
             get_attr(encode_module, "_field_reader", &py_field_reader) < 0 ||
             get_attr(encode_module, "_path", &py_path) < 0 ||
             get_attr(encode_module, "_resolve", &py_resolve) < 0 ||
             get_attr(encode_module, "ScalarError", &ScalarError) < 0;
    Py_DECREF(encode_module);
    if (failed) return NULL;

    PyObject *naming = PyImport_ImportModule("jsv._naming");
    if (naming == NULL) return NULL;
    failed = get_attr(naming, "rename_function", &py_rename_function) < 0;
    Py_DECREF(naming);
    if (failed) return NULL;
    rename_camel = PyObject_CallOneArg(py_rename_function, str_camel);
    rename_pascal = PyObject_CallOneArg(py_rename_function, str_pascal);
    rename_snake = PyObject_CallOneArg(py_rename_function, str_snake);
    if (rename_camel == NULL || rename_pascal == NULL || rename_snake == NULL) return NULL;

    PyObject *functools = PyImport_ImportModule("functools");
    if (functools == NULL) return NULL;
    failed = get_attr(functools, "partial", &py_partial) < 0;
    Py_DECREF(functools);
    if (failed) return NULL;
    PyObject *builtins = PyImport_ImportModule("builtins");
    if (builtins == NULL) return NULL;
    failed = get_attr(builtins, "sorted", &py_sorted) < 0;
    Py_DECREF(builtins);
    if (failed) return NULL;
    if (typed_init() < 0) return NULL;
#ifdef Py_GIL_DISABLED
    if (intern("jsv._speedups.caches", &caches_key) < 0) return NULL;
#endif

    PyObject *module = PyModule_Create(&speedups_module);
    if (module != NULL && jsv_module_gil_not_used(module) < 0) Py_CLEAR(module);
    return module;
}
