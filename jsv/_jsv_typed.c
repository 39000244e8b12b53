/*
 * jsv/_jsv_typed.c: decode_typed(), the C executor of typed decoding (it reads the text
 * with the primitives of _jsv_text.h, and untyped subtrees with jsv_parse_container()).
 *
 * decode_typed(data, trim, plan, fallback) reads the text straight into the target
 * objects in one pass, guided by the compact plan that jsv._typed.c_plan() builds from
 * the same plan nodes the pure executor runs. Each compact node is a list
 * [kind, ...] (see c_plan for the layout); kinds the C side does not execute itself
 * (C_PY: unions, literals, fixed tuples ...) carry the pure converter, called on the
 * untyped value.
 *
 * The pure executor is the reference, and this one gives the same value or raises the
 * same error for every text, running the caller's code (__post_init__, default factories,
 * an enum's _missing_) as often as the pure executor does: once per object built.
 *  - A value that does not fit its type raises jsv._errors.Invalid, with the message the
 *    pure converter gives; each map and list it unwinds through adds where in it the
 *    misfit is, as the converters do. Where a value has the wrong shape, the C side calls
 *    the node's pure converter (the last item of every compact node) on the untyped value,
 *    which raises the exact Invalid before it runs anything of the caller's.
 *  - Malformed text raises a private marker.
 *  - decode_typed() hands either to fallback(data, invalid or None), which has the parser
 *    raise the DecodeError of malformed text (first, as on the pure path: it reads the
 *    text before converting anything), or raises the ValidationError, with the position.
 *  - A map that gives a field twice, or two keys of a dict[K, V] that convert to one key,
 *    is read again by the pure converter from the map's own text: the pure executor sees
 *    only the last value of each key text, which one forward pass cannot know. Only in
 *    such a map does code of the caller's run again, for the values before the repeat.
 *
 * Typed nesting goes as deep as MAX_DEPTH (a C recursion of two frames per level);
 * untyped subtrees are parsed by the iterative jsv_parse_container() of the untyped kernel
 * with the remaining depth budget.
 */
#include "_jsv.h"
#include "_jsv_text.h"

/* The kinds of compact plan nodes: the C_* constants of jsv/_typed.py, listed once here
 * for the enum and for the module's NODE_KINDS (which a test compares with jsv._typed). */
#define TV_NODE_KINDS(X)                                                                 \
    X(ANY, 0)       /* [0] */                                                            \
    X(STR, 1)       /* [1] */                                                            \
    X(INT, 2)       /* [2, parse] */                                                     \
    X(FLOAT, 3)     /* [3, parse] */                                                     \
    X(BOOL, 4)      /* [4, parse] */                                                     \
    X(PARSE, 5)     /* [5, parse] */                                                     \
    X(ENUM, 6)      /* [6, parse, {exact text: member}] */                               \
    X(OPTIONAL, 7)  /* [7, inner] */                                                     \
    X(LIST, 8)      /* [8, item, factory or None] */                                     \
    X(DICT, 9)      /* [9, key: None (text) | callable (map keys) | node, value, factory] */ \
    X(CLASS, 10)    /* [10, cls, lookup, miss, fields, required indices, is_typeddict,   \
                     *  fast, learned keys, name, missing messages, choose, not_named] */ \
    X(PY, 11)       /* [11, reads text] */                                               \
    X(POLY, 12)     /* [12, is_hint_key, choose]: a union of dataclasses (and others) */
/* (and the pure converter last in every node: see TV_CONVERTER) */

enum {
#define TV_KIND_ENUM(name, value) TV_##name = value,
    TV_NODE_KINDS(TV_KIND_ENUM)
#undef TV_KIND_ENUM
};

/* What a class node's miss(key) gives for the type marker __type (other keys: a field
 * index, or -1 to skip): the module's HINT_KEY. */
#define TV_HINT_KEY (-2)

/* How a field reads an empty value: the EMPTY_* constants of jsv/_layout.py (the
 * module's EMPTY_RULES). */
#define TV_EMPTY_RULES(X) X(NONE, 0) X(TEXT, 1) X(DEFAULT, 2) X(ERROR, 3)

enum {
#define TV_EMPTY_ENUM(name, value) TV_EMPTY_##name = value,
    TV_EMPTY_RULES(TV_EMPTY_ENUM)
#undef TV_EMPTY_ENUM
};

#define TV_LOCAL_FIELDS 64
#define TV_GUESSES 8 /* fields tried by their learned key before a key is looked up */

/* The kind of a compact node (a small non-negative int). */
ALWAYS_INLINE long
tv_kind(PyObject *node)
{
    return jsv_small_int(PyList_GET_ITEM(node, 0));
}

#define TV_KIND(node) tv_kind(node)
#define TV_ITEM(node, i) PyList_GET_ITEM((node), (i))
/* The pure converter of a compact node: its last item. */
#define TV_CONVERTER(node) PyList_GET_ITEM((node), PyList_GET_SIZE(node) - 1)

/* The text is malformed here: decode_typed() has the parser raise the exact DecodeError. */
static PyObject *
tv_malformed(Parser *p)
{
    gc_end(p);
    PyErr_SetNone(p->st->tv_malformed_error);
    return NULL;
}

/* Raise Invalid(msg, path) (path: a new list, or NULL for an empty one). */
static PyObject *
tv_invalid(Parser *p, PyObject *msg, PyObject *path)
{
    gc_end(p);
    PyObject *exc = path == NULL ? PyObject_CallOneArg(p->st->Invalid, msg)
                                 : PyObject_CallFunctionObjArgs(p->st->Invalid, msg, path, NULL);
    Py_XDECREF(path);
    if (exc != NULL) {
        PyErr_SetObject(p->st->Invalid, exc);
        Py_DECREF(exc);
    }
    return NULL;
}

/* While an Invalid unwinds through a map or list, the container adds where in it the
 * misfit is: an index, or (tag, key) with tag "field" or "key" (as the pure converters
 * do; the path grows in reverse). Other exceptions pass unchanged. */
static void
tv_add_path(JsvState *st, PyObject *index_or_key, PyObject *tag)
{
    if (!PyErr_ExceptionMatches(st->Invalid)) return;
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    PyObject *part = tag == NULL ? Py_NewRef(index_or_key) : PyTuple_Pack(2, tag, index_or_key);
    PyObject *path = part == NULL || value == NULL ? NULL : PyObject_GetAttr(value, st->str_path);
    int r = path == NULL ? -1 : PyList_Append(path, part);
    Py_XDECREF(path);
    Py_XDECREF(part);
    if (r < 0) { /* the new error replaces the Invalid */
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
        return;
    }
    PyErr_Restore(type, value, tb);
}

static void
tv_add_index(JsvState *st, Py_ssize_t index)
{
    if (!PyErr_ExceptionMatches(st->Invalid)) return;
    PyObject *i = PyLong_FromSsize_t(index);
    if (i == NULL) return;
    tv_add_path(st, i, NULL);
    Py_DECREF(i);
}

/* Replace a pending exception of class `which` by rejected(type_name, it): a constructor
 * or container factory that refused the value, as the pure converters report it. */
static void
tv_reject(Parser *p, PyObject *which, PyObject *which2, PyObject *type_name)
{
    if (!PyErr_ExceptionMatches(which) && (which2 == NULL || !PyErr_ExceptionMatches(which2))) {
        return;
    }
    gc_end(p);
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    PyObject *exc = value == NULL
                        ? NULL
                        : PyObject_CallFunctionObjArgs(p->st->py_rejected, type_name, value, NULL);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    if (exc != NULL) {
        PyErr_SetObject(p->st->Invalid, exc);
        Py_DECREF(exc);
    }
}

static PyObject *tv_value(Parser *p, int kind, PyObject *node, Py_ssize_t *pos, int in_map,
                          Py_ssize_t level, int *empty);
static PyObject *tv_reread(Parser *p, int kind, PyObject *node, Py_ssize_t open,
                           Py_ssize_t *pos, Py_ssize_t level);

/* The untyped tree of the map or list opening at open (a container at nesting level
 * `level`), parsed by the untyped kernel with the depth that is left. */
static PyObject *
tv_tree_container(Parser *p, int kind, Py_ssize_t open, Py_ssize_t *end, Py_ssize_t level)
{
    if (level > p->st->MAX_DEPTH) return tv_malformed(p);
    Py_ssize_t saved = p->max_depth;
    /* parse_container counts its own depth from 0: a child of a container at `level`
     * must be refused exactly when level + 1 > MAX_DEPTH */
    p->max_depth = p->st->MAX_DEPTH - level + 1;
    PyObject *result;
    switch (kind) {
    case PyUnicode_1BYTE_KIND:
        result = jsv_parse_container(p, PyUnicode_1BYTE_KIND, open, end);
        break;
    case PyUnicode_2BYTE_KIND:
        result = jsv_parse_container(p, PyUnicode_2BYTE_KIND, open, end);
        break;
    default:
        result = jsv_parse_container(p, PyUnicode_4BYTE_KIND, open, end);
        break;
    }
    p->max_depth = saved;
    return result;
}

/* func(arg) (arg may be NULL: func()), with the collector on. */
static PyObject *
tv_call(Parser *p, PyObject *func, PyObject *arg)
{
    gc_allow(p);
    PyObject *result = arg == NULL ? PyObject_CallNoArgs(func) : PyObject_CallOneArg(func, arg);
    if (result == NULL) gc_end(p); /* the error is on its way out */
    else gc_repause(p);
    return result;
}

/* parse(text) for a scalar: a ScalarError becomes the Invalid of its message, as in the
 * pure converter. */
static PyObject *
tv_parse(Parser *p, PyObject *parse, PyObject *text)
{
    PyObject *result = tv_call(p, parse, text);
    if (result != NULL || !PyErr_ExceptionMatches(p->st->ScalarError)) return result;
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    PyObject *msg = value == NULL ? NULL : PyObject_Str(value);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    if (msg == NULL) return NULL;
    tv_invalid(p, msg, NULL);
    Py_DECREF(msg);
    return NULL;
}

/* The pure converter of node on value (None, a text, or an untyped map or list): for a
 * value of a shape the node does not read, it raises the exact Invalid. */
static PyObject *
tv_pure(Parser *p, PyObject *node, PyObject *value)
{
    return tv_call(p, TV_CONVERTER(node), value);
}

/* The pure converter of node on the map or list doc[open:end] (already read: well
 * formed), given its own text (see jsv._source). */
static PyObject *
tv_pure_text(Parser *p, int kind, PyObject *node, Py_ssize_t open, Py_ssize_t end)
{
    PyObject *text = substring(p, kind, open, end);
    if (text == NULL) return NULL;
    gc_allow(p);
    PyObject *result = PyObject_CallFunctionObjArgs(p->st->py_source_convert, TV_CONVERTER(node),
                                                    text,
                                                    p->trim ? Py_True : Py_False, NULL);
    Py_DECREF(text);
    if (result == NULL) gc_end(p);
    else gc_repause(p);
    return result;
}

/* obj.__post_init__(), with the collector on. */
static int
tv_post_init(Parser *p, PyObject *obj)
{
    gc_allow(p);
    PyObject *r = PyObject_CallMethodNoArgs(obj, p->st->tv_str_post_init);
    if (r == NULL) {
        gc_end(p);
        return -1;
    }
    gc_repause(p);
    Py_DECREF(r);
    return 0;
}

/* A leaf (str, or None for an empty value) converted by node. */
static PyObject *
tv_leaf(Parser *p, PyObject *node, PyObject *value)
{
    for (;;) {
        switch (TV_KIND(node)) {
        case TV_ANY:
            Py_INCREF(value);
            return value;
        case TV_STR:
            if (value == Py_None) {
                Py_INCREF(p->st->str_empty);
                return p->st->str_empty;
            }
            Py_INCREF(value);
            return value;
        case TV_OPTIONAL:
            if (value == Py_None) Py_RETURN_NONE;
            node = TV_ITEM(node, 1);
            continue;
        case TV_ENUM:
            if (value == Py_None) return tv_pure(p, node, value);
            {
                PyObject *member = PyDict_GetItemWithError(TV_ITEM(node, 2), value);
                if (member != NULL) {
                    Py_INCREF(member);
                    return member;
                }
                if (PyErr_Occurred()) return NULL;
            }
            return tv_parse(p, TV_ITEM(node, 1), value);
        case TV_INT:
        case TV_FLOAT:
        case TV_BOOL:
        case TV_PARSE:
            if (value == Py_None) return tv_pure(p, node, value);
            return tv_parse(p, TV_ITEM(node, 1), value);
        default: /* a list, dict or class node given text, and the converter-only kinds */
            return tv_pure(p, node, value);
        }
    }
}

/* Bare text doc[s:q] (q > s) for a scalar node: ints, bools and floats of the plain
 * forms are read in place; anything else goes through the str. NULL with no error set
 * means "not handled here". */
static PyObject *
tv_bare_fast(Parser *p, int kind, long node_kind, Py_ssize_t s, Py_ssize_t q)
{
    const void *data = p->data;
    Py_ssize_t len = q - s;
    if (node_kind == TV_INT) {
        Py_ssize_t i = s;
        int negative = 0;
        if (CH(i) == '-') {
            negative = 1;
            i++;
        }
        if (i == q || q - i > 18) return NULL;
        long long v = 0;
        for (; i < q; i++) {
            Py_UCS4 c = CH(i);
            if (c < '0' || c > '9') return NULL;
            v = v * 10 + (long long)(c - '0');
        }
        return PyLong_FromLongLong(negative ? -v : v);
    }
    if (node_kind == TV_BOOL) {
        if (len == 4 && (CH(s) == 'T' || CH(s) == 't') && CH(s + 1) == 'r' && CH(s + 2) == 'u' &&
            CH(s + 3) == 'e') {
            Py_RETURN_TRUE;
        }
        if (len == 5 && (CH(s) == 'F' || CH(s) == 'f') && CH(s + 1) == 'a' &&
            CH(s + 2) == 'l' && CH(s + 3) == 's' && CH(s + 4) == 'e') {
            Py_RETURN_FALSE;
        }
        return NULL;
    }
    if (node_kind == TV_FLOAT) {
        /* [-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)? as in _scalars._FLOAT */
        char buf[64];
        if (len >= (Py_ssize_t)sizeof(buf)) return NULL;
        Py_ssize_t i = 0;
        for (; i < len; i++) {
            Py_UCS4 c = CH(s + i);
            if (c > 127) return NULL;
            buf[i] = (char)c;
        }
        buf[len] = '\0';
        i = 0;
        if (buf[i] == '-' || buf[i] == '+') i++;
        Py_ssize_t int_digits = 0, frac_digits = 0;
        while (buf[i] >= '0' && buf[i] <= '9') {
            i++;
            int_digits++;
        }
        if (buf[i] == '.') {
            i++;
            while (buf[i] >= '0' && buf[i] <= '9') {
                i++;
                frac_digits++;
            }
        }
        if (int_digits == 0 && frac_digits == 0) return NULL;
        if (buf[i] == 'e' || buf[i] == 'E') {
            i++;
            if (buf[i] == '-' || buf[i] == '+') i++;
            Py_ssize_t exp_digits = 0;
            while (buf[i] >= '0' && buf[i] <= '9') {
                i++;
                exp_digits++;
            }
            if (exp_digits == 0) return NULL;
        }
        if (i != len) return NULL;
        char *end;
        double d = PyOS_string_to_double(buf, &end, NULL);
        if (d == -1.0 && PyErr_Occurred()) return NULL;
        if (end != buf + len) return NULL;
        return PyFloat_FromDouble(d);
    }
    return NULL;
}

/* After a value of a container: a separator (1), the closer (0) or a stop (-1). */
ALWAYS_INLINE int
tv_after_value(Parser *p, int kind, Py_ssize_t *pos, Py_UCS4 closer)
{
    const void *data = p->data;
    Py_ssize_t n = p->n;
    Py_ssize_t i = *pos;
    for (;;) {
        if (i >= n) {
            tv_malformed(p);
            return -1;
        }
        Py_UCS4 c = CH(i);
        if (c == ',') {
            *pos = i + 1;
            return 1;
        }
        if (c == closer) {
            *pos = i + 1;
            return 0;
        }
        if (ws_len(p, data, kind, i)) {
            i = skip_ws(p, data, kind, i, n);
            continue;
        }
        tv_malformed(p);
        return -1;
    }
}

/* The key of the map entry at *pos (in the map opening at open, at nesting level
 * `level`), as the untyped kernel reads it; *pos moves after its ':'. */
static PyObject *
tv_key(Parser *p, int kind, Py_ssize_t *pos, Py_ssize_t open, Py_ssize_t level)
{
    const void *data = p->data;
    Py_ssize_t n = p->n;
    Py_ssize_t k = skip_ws(p, data, kind, *pos, n);
    Py_UCS4 c = k < n ? CH(k) : 0xFFFFFFFF;
    PyObject *key;
    Py_ssize_t end;
    if (c == '"') {
        key = parse_quoted(p, kind, k, &end, 1);
        if (key == NULL) return NULL;
    }
    else if (c == '{') {
        if (level + 1 > p->st->MAX_DEPTH) return tv_malformed(p);
        Py_ssize_t q = skip_ws(p, data, kind, k + 1, n);
        if (q < n && CH(q) == '}') {
            end = q + 1;
        }
        else {
            PyObject *inner = tv_tree_container(p, kind, k, &end, level + 1);
            if (inner == NULL) return NULL;
            Py_DECREF(inner);
        }
        key = substring(p, kind, k, end);
        if (key == NULL) return NULL;
    }
    else {
        Py_ssize_t s = p->trim ? k : *pos;
        Py_ssize_t q = scan_for(data, kind, s, n, ':', ',', '}');
        if (q >= n || CH(q) != ':') return tv_malformed(p);
        key = key_string(p, kind, s, p->trim ? rstrip_end(p, data, kind, s, q) : q);
        if (key == NULL) return NULL;
        *pos = q + 1;
        return key;
    }
    end = expect_colon(p, kind, end, open);
    if (end < 0) {
        Py_DECREF(key);
        return NULL;
    }
    *pos = end;
    return key;
}

/* Whether the map or list opening at open is empty; *pos moves after it if so. */
ALWAYS_INLINE int
tv_empty_container(Parser *p, int kind, Py_ssize_t open, Py_ssize_t *pos, Py_UCS4 closer)
{
    const void *data = p->data;
    Py_ssize_t q = skip_ws(p, data, kind, open + 1, p->n);
    if (q < p->n && CH(q) == closer) {
        *pos = q + 1;
        return 1;
    }
    return 0;
}

/* Whether a key text comes twice in the map opening at open, or (with hints) the map has
 * two __type keys, however spelled (1), or not (0); -1 with an error set for malformed
 * text. The map is read untyped: no code of the caller's runs. */
static int
tv_map_repeats(Parser *p, int kind, Py_ssize_t open, Py_ssize_t level, int hints)
{
    int hint_keys = 0;
    Py_ssize_t pos;
    if (tv_empty_container(p, kind, open, &pos, '}')) return 0;
    PyObject *texts = PySet_New(NULL);
    if (texts == NULL) return -1;
    pos = open + 1;
    int result = -1;
    for (;;) {
        PyObject *key = tv_key(p, kind, &pos, open, level);
        if (key == NULL) break;
        int has = PySet_Contains(texts, key);
        int r = has == 0 ? PySet_Add(texts, key) : 0;
        if (hints && has == 0 && r == 0) {
            PyObject *is_hint = PyObject_CallOneArg(p->st->py_is_hint_key, key);
            if (is_hint == NULL) r = -1;
            else if (is_hint == Py_True && ++hint_keys > 1) has = 1;
            Py_XDECREF(is_hint);
        }
        Py_DECREF(key);
        if (has != 0 || r < 0) {
            result = has > 0 ? 1 : -1;
            break;
        }
        PyObject *value = tv_value(p, kind, NULL, &pos, 1, level + 1, NULL);
        if (value == NULL) break;
        Py_DECREF(value);
        r = tv_after_value(p, kind, &pos, '}');
        if (r < 0) break;
        if (r == 0) {
            result = 0;
            break;
        }
    }
    Py_DECREF(texts);
    return result;
}

/* A misfit (a pending Invalid) met in the map opening at open, a class or dict[K, V]
 * read by node. It stands unless the map writes a key text twice: the pure converter sees
 * only the last value of that text, so the value that did not fit may not count, and an
 * earlier text may have a later value that fails first. Such a map is read again by the
 * pure converter (*pos moves after it). NULL with the error set, or the value. */
static PyObject *
tv_misfit_in_map(Parser *p, int kind, PyObject *node, Py_ssize_t open, Py_ssize_t *pos,
                 Py_ssize_t level, int hints)
{
    if (!PyErr_ExceptionMatches(p->st->Invalid)) return NULL;
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    int repeats = tv_map_repeats(p, kind, open, level, hints);
    if (repeats == 0) {
        PyErr_Restore(type, value, tb);
        return NULL;
    }
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    return repeats < 0 ? NULL : tv_reread(p, kind, node, open, pos, level);
}

/* In a dict[K, V] whose keys are no text, what went wrong converting the key text or its
 * value is a misfit at that key, whatever the exception (as in the pure converter). When
 * the value was being read (in_value), the reader's own errors of malformed text pass: the
 * pure executor meets those before it converts anything. */
static void
tv_key_misfit(Parser *p, PyObject *text, int in_value)
{
    if (PyErr_ExceptionMatches(p->st->Invalid)) {
        tv_add_path(p->st, text, p->st->str_key);
        return;
    }
    if (!PyErr_ExceptionMatches(PyExc_Exception) ||
        PyErr_ExceptionMatches(p->st->tv_malformed_error) ||
        (in_value && PyErr_ExceptionMatches(p->st->DecodeError))) {
        return;
    }
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    PyObject *msg = value == NULL ? NULL : PyObject_Str(value);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    if (msg == NULL) return;
    PyObject *part = PyTuple_Pack(2, p->st->str_key, text);
    PyObject *path = part == NULL ? NULL : PyList_New(1);
    if (path == NULL) {
        Py_XDECREF(part);
        Py_DECREF(msg);
        return;
    }
    PyList_SET_ITEM(path, 0, part);
    tv_invalid(p, msg, path);
    Py_DECREF(msg);
}

/* list[T] (and set, frozenset, tuple[T, ...]) from the list opening at open. */
static PyObject *
tv_list(Parser *p, int kind, PyObject *node, Py_ssize_t open, Py_ssize_t *pos,
        Py_ssize_t level)
{
    PyObject *item_node = TV_ITEM(node, 1);
    PyObject *factory = TV_ITEM(node, 2);
    PyObject *list = PyList_New(0);
    if (list == NULL) return NULL;
    if (!tv_empty_container(p, kind, open, pos, ']')) {
        *pos = open + 1;
        for (;;) {
            PyObject *item = tv_value(p, kind, item_node, pos, 0, level + 1, NULL);
            if (item == NULL) {
                /* the misfit is at the index of the items converted so far */
                tv_add_index(p->st, PyList_GET_SIZE(list));
                goto error;
            }
            int r = PyList_Append(list, item);
            Py_DECREF(item);
            if (r < 0) goto error;
            r = tv_after_value(p, kind, pos, ']');
            if (r < 0) goto error;
            if (r == 0) break;
        }
    }
    if (factory == Py_None) return list;
    PyObject *result = tv_call(p, factory, list);
    Py_DECREF(list);
    if (result == NULL) tv_reject(p, PyExc_TypeError, NULL, TV_ITEM(node, 3)); /* unhashable */
    return result;
error:
    gc_end(p); /* the items may have finalizers */
    tv_reject(p, PyExc_TypeError, NULL, TV_ITEM(node, 3));
    Py_DECREF(list);
    return NULL;
}

/* The map or list opening at open, read again by node's pure converter from its own text
 * (see the top of this file); *pos moves after it. */
static PyObject *
tv_reread(Parser *p, int kind, PyObject *node, Py_ssize_t open, Py_ssize_t *pos,
          Py_ssize_t level)
{
    gc_end(p); /* what was built of it so far is released, and may have finalizers */
    PyObject *tree = tv_tree_container(p, kind, open, pos, level);
    if (tree == NULL) return NULL;
    Py_DECREF(tree);
    return tv_pure_text(p, kind, node, open, *pos);
}

/* dict[K, V] from the map opening at open. */
static PyObject *
tv_dict(Parser *p, int kind, PyObject *node, Py_ssize_t open, Py_ssize_t *pos,
        Py_ssize_t level)
{
    PyObject *key_node = TV_ITEM(node, 1);
    PyObject *value_node = TV_ITEM(node, 2);
    PyObject *factory = TV_ITEM(node, 3);
    int key_is_text = key_node == Py_None;
    int key_is_func = !key_is_text && !PyList_CheckExact(key_node);
    /* keys of other types hash and compare in Python code */
    if (!key_is_text) gc_end(p);
    PyObject *out = PyDict_New();
    if (out == NULL) return NULL;
    if (!tv_empty_container(p, kind, open, pos, '}')) {
        *pos = open + 1;
        for (;;) {
            PyObject *text = tv_key(p, kind, pos, open, level);
            if (text == NULL) goto error;
            /* the value is converted before its key, as in `out[key(k)] = value(v)` */
            PyObject *value = tv_value(p, kind, value_node, pos, 1, level + 1, NULL);
            if (value == NULL) {
                if (key_is_text) tv_add_path(p->st, text, p->st->str_key);
                else tv_key_misfit(p, text, 1);
                Py_DECREF(text);
                goto error;
            }
            PyObject *key;
            if (key_is_text) {
                key = text;
            }
            else {
                key = key_is_func ? tv_call(p, key_node, text) : tv_leaf(p, key_node, text);
                if (key == NULL) {
                    tv_key_misfit(p, text, 0);
                    Py_DECREF(text);
                    Py_DECREF(value);
                    goto error;
                }
                Py_DECREF(text);
            }
            /* a repeated key releases the value it had */
            if (key_is_text && p->gc_paused && PyDict_GetItemWithError(out, key) != NULL) {
                gc_end(p);
            }
            Py_ssize_t before = PyDict_GET_SIZE(out);
            int r = PyDict_SetItem(out, key, value);
            Py_DECREF(key);
            Py_DECREF(value);
            if (r < 0) goto error;
            /* two texts for one key: the pure converter keeps the last text's value, at the
             * first text's place, in an order this pass does not see */
            if (!key_is_text && PyDict_GET_SIZE(out) == before) {
                Py_DECREF(out);
                return tv_reread(p, kind, node, open, pos, level);
            }
            r = tv_after_value(p, kind, pos, '}');
            if (r < 0) goto error;
            if (r == 0) break;
        }
    }
    if (factory == Py_None) return out;
    PyObject *result = tv_call(p, factory, out);
    Py_DECREF(out);
    return result;
error:
    gc_end(p); /* the values may have finalizers */
    Py_DECREF(out);
    return tv_misfit_in_map(p, kind, node, open, pos, level, 0);
}

/* Whether key, read from a map, is read back from its own text followed by ':' in any
 * mode: ASCII, not empty, no quote or brace to start it, no separator in it, no space
 * at either end (trimmed, or not, by the mode). */
static int
tv_bare_key(PyObject *key)
{
    if (!PyUnicode_CheckExact(key) || !PyUnicode_IS_ASCII(key)) return 0;
    Py_ssize_t len = PyUnicode_GET_LENGTH(key);
    const Py_UCS1 *d = PyUnicode_1BYTE_DATA(key);
    if (len == 0 || d[0] == '"' || d[0] == '{' || JSV_ASCII_SPACE[d[0]] ||
        JSV_ASCII_SPACE[d[len - 1]]) {
        return 0;
    }
    for (Py_ssize_t i = 0; i < len; i++) {
        if (d[i] == ':' || d[i] == ',' || d[i] == '}') return 0;
    }
    return 1;
}

/* The field, among the few after previous, whose learned key (see tv_class()) is the text
 * at *pos followed by ':'; *pos moves after the ':'. -1 when none is: the key is read and
 * looked up then. */
ALWAYS_INLINE Py_ssize_t
tv_learned_field(Parser *p, int kind, PyObject *learned, Py_ssize_t previous,
                 Py_ssize_t nfields, Py_ssize_t *pos)
{
    if (kind != PyUnicode_1BYTE_KIND) return -1;
    Py_ssize_t s = p->trim ? skip_ws(p, p->data, kind, *pos, p->n) : *pos;
    const char *d = (const char *)p->data;
    Py_ssize_t last = Py_MIN(nfields, previous + 1 + TV_GUESSES);
    for (Py_ssize_t i = previous + 1; i < last; i++) {
        PyObject *text = PyList_GET_ITEM(learned, i);
        if (text == Py_None) continue;
        Py_ssize_t len = PyUnicode_GET_LENGTH(text);
        if (s + len < p->n && d[s + len] == ':' &&
            memcmp(d + s, PyUnicode_1BYTE_DATA(text), (size_t)len) == 0) {
            *pos = s + len + 1;
            return i;
        }
    }
    return -1;
}

/* Remember key as the one that named field index, if it is a bare key and the field has
 * none yet. A learned key is never replaced: on a free-threaded build other threads read
 * the list without a lock, so an item, once published, must stay alive as long as the
 * list (the critical section only keeps two threads from publishing at once). */
static int
tv_learn_key(PyObject *learned, Py_ssize_t index, PyObject *key)
{
    if (index < 0 || index >= PyList_GET_SIZE(learned)) return 0;
    if (PyList_GET_ITEM(learned, index) != Py_None || !tv_bare_key(key)) return 0;
    int r = 0;
    Py_BEGIN_CRITICAL_SECTION(learned);
    if (PyList_GET_ITEM(learned, index) == Py_None) {
        Py_INCREF(key);
        r = PyList_SetItem(learned, index, key); /* steals key; releases None */
    }
    Py_END_CRITICAL_SECTION();
    return r;
}

/* A new instance of cls, a plain dataclass (see _fast_constructor()), whose attributes are
 * fields (a dict: attribute name -> value, in the order __init__ would set them), after its
 * __post_init__() if post_init is set. */
static PyObject *
tv_new_plain(Parser *p, PyObject *cls, PyObject *fields, int post_init)
{
    PyObject *obj = PyBaseObject_Type.tp_new((PyTypeObject *)cls, p->st->tv_empty_tuple, NULL);
    /* fields becomes the instance __dict__ itself: obj.__dict__ = fields, through the
     * class's __dict__ descriptor, which every version keeps consistent with its own
     * attribute storage (3.13 keeps a fresh object's attributes inline, and a dict put
     * in place behind its back, by PyObject_GenericSetDict(), goes unseen) */
    if (obj != NULL && (PyObject_SetAttr(obj, p->st->tv_str_dict, fields) < 0 ||
                        (post_init && tv_post_init(p, obj) < 0))) {
        gc_end(p); /* obj may have a finalizer */
        Py_CLEAR(obj);
    }
    return obj;
}

/* Build the dataclass from kwargs as _fast_constructor() does. */
static PyObject *
tv_construct_fast(Parser *p, PyObject *cls, PyObject *fast, PyObject *kwargs)
{
    PyObject *factories = PyTuple_GET_ITEM(fast, 1);
    int post_init = PyTuple_GET_ITEM(fast, 2) == Py_True;
    /* the attributes in _fast_constructor()'s order: defaults, factories' values, kwargs */
    PyObject *state = PyDict_Copy(PyTuple_GET_ITEM(fast, 0));
    if (state == NULL) return NULL;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(factories); i++) {
        PyObject *pair = PyTuple_GET_ITEM(factories, i);
        PyObject *name = PyTuple_GET_ITEM(pair, 0);
        int has = PyDict_Contains(kwargs, name);
        if (has < 0) goto error;
        if (has) continue;
        PyObject *value = tv_call(p, PyTuple_GET_ITEM(pair, 1), NULL);
        if (value == NULL) goto error;
        int r = PyDict_SetItem(state, name, value);
        Py_DECREF(value);
        if (r < 0) goto error;
    }
    if (PyDict_Update(state, kwargs) < 0) goto error;
    PyObject *obj = tv_new_plain(p, cls, state, post_init);
    if (obj == NULL) gc_end(p); /* before the values in state are released */
    Py_DECREF(state);
    return obj;
error:
    gc_end(p);
    Py_DECREF(state);
    return NULL;
}

/* A new instance of the class of a compact class node from kwargs (a plain dataclass's
 * attribute dict, with direct), as the pure converter builds it; a TypeError or ValueError
 * (a __post_init__ that refuses the values ...) is a misfit. */
static PyObject *
tv_construct(Parser *p, PyObject *node, PyObject *kwargs, int direct)
{
    PyObject *cls = TV_ITEM(node, 1);
    PyObject *fast = TV_ITEM(node, 7);
    PyObject *obj;
    if (direct) {
        obj = tv_new_plain(p, cls, kwargs, PyTuple_GET_ITEM(fast, 2) == Py_True);
    }
    else if (fast != Py_None) {
        obj = tv_construct_fast(p, cls, fast, kwargs);
    }
    else {
        gc_allow(p);
        obj = PyObject_Call(cls, p->st->tv_empty_tuple, kwargs);
        gc_repause(p);
    }
    if (obj == NULL) tv_reject(p, PyExc_TypeError, PyExc_ValueError, TV_ITEM(node, 9));
    return obj;
}

/* Raise the Invalid of the field at index whose value is empty, where it has no empty
 * reading (its message is in the compact field). */
static PyObject *
tv_empty_misfit(Parser *p, PyObject *field, PyObject *key)
{
    PyObject *part = PyTuple_Pack(2, p->st->tv_str_field, key);
    PyObject *path = part == NULL ? NULL : PyList_New(1);
    if (path == NULL) {
        Py_XDECREF(part);
        return NULL;
    }
    PyList_SET_ITEM(path, 0, part);
    return tv_invalid(p, PyTuple_GET_ITEM(field, 3), path);
}

/* What tv_class() keeps while it reads a map into a dataclass or TypedDict. */
typedef struct {
    PyObject *node;     /* the compact class node, and its items read for each entry: */
    PyObject *lookup;   /* exact key text -> field index */
    PyObject *miss;     /* miss(key): the field index of any other key */
    PyObject *fields;   /* per field: (name, node, empty rule, ...) */
    PyObject *learned;  /* per field: its learned key (see tv_entry_key()) */
    PyObject *declared; /* the declared class's node, when a hint chose node; else NULL */
    PyObject *whole;    /* the node whose pure converter reads the map again, where this
                         * pass cannot go on */
    PyObject *kwargs;   /* the fields read, by name (owned) */
    PyObject *hint;     /* the last __type text read (owned), or NULL */
    Py_ssize_t nfields;
    Py_ssize_t previous; /* the field of the entry before */
    Py_ssize_t entries;  /* read before this one */
    /* A plain dataclass without default factories: the fields go straight into what
     * becomes the instance's __dict__, in the order _fast_constructor() gives them (the
     * defaults, then the fields read, in document order). */
    int direct;
    char *seen; /* per field: 1 read, 2 left to its default (an empty value) */
    int seen_allocated; /* seen is on the heap (else the caller's array of
                         * TV_LOCAL_FIELDS, kept apart so that cr stays in registers) */
} ClassRead;

/* What the steps of tv_class() give besides -1 (a misfit or an error). */
enum {
    TV_ENTRY_NEXT = 0,     /* the entry is read: on to the next */
    TV_ENTRY_REREAD = 1,   /* the pure converter of whole reads the map again */
    TV_ENTRY_SUBCLASS = 2, /* a __type hint named another class to build */
};

ALWAYS_INLINE int
class_read_start(ClassRead *cr, PyObject *node, PyObject *declared, char *local_seen)
{
    PyObject *fast = TV_ITEM(node, 7);
    cr->node = node;
    cr->lookup = TV_ITEM(node, 2);
    cr->miss = TV_ITEM(node, 3);
    cr->fields = TV_ITEM(node, 4);
    cr->learned = TV_ITEM(node, 8);
    cr->declared = declared;
    cr->whole = declared != NULL ? declared : node;
    cr->hint = NULL;
    cr->nfields = PyTuple_GET_SIZE(cr->fields);
    cr->previous = -1;
    cr->entries = 0;
    cr->direct = fast != Py_None && PyTuple_GET_SIZE(PyTuple_GET_ITEM(fast, 1)) == 0;
    cr->kwargs = cr->direct ? PyDict_Copy(PyTuple_GET_ITEM(fast, 0)) : PyDict_New();
    if (cr->kwargs == NULL) return -1;
    cr->seen = local_seen;
    cr->seen_allocated = cr->nfields > TV_LOCAL_FIELDS;
    if (!cr->seen_allocated) {
        memset(local_seen, 0, TV_LOCAL_FIELDS);
        return 0;
    }
    cr->seen = PyMem_Calloc((size_t)cr->nfields, 1);
    if (cr->seen != NULL) return 0;
    Py_DECREF(cr->kwargs);
    PyErr_NoMemory();
    return -1;
}

/* Release what cr holds, the collector on first (the values may have finalizers). */
ALWAYS_INLINE void
class_read_release(Parser *p, ClassRead *cr)
{
    gc_end(p);
    if (cr->seen_allocated) PyMem_Free(cr->seen);
    Py_DECREF(cr->kwargs);
    Py_XDECREF(cr->hint);
}

/* The field index of the map entry at *pos (an index; -1 to skip it, TV_HINT_KEY for the
 * type marker), found by its learned key or looked up, and in *key the key as written (a
 * new reference: the path of a misfit in its value names it). 0, or -1. */
ALWAYS_INLINE int
tv_entry_key(Parser *p, int kind, ClassRead *cr, int learning, Py_ssize_t *pos,
             Py_ssize_t open, Py_ssize_t level, PyObject **key, Py_ssize_t *index)
{
    /* learned[i]: the first key that named field i and reads as it from its own text
     * followed by ':' (see tv_bare_key()), else None: documents that write their fields
     * in declared order, however many they leave out, find each key by comparing text */
    PyObject *learned = cr->learned;
    *index = learning ? tv_learned_field(p, kind, learned, cr->previous, cr->nfields, pos) : -1;
    if (*index >= 0) {
        *key = Py_NewRef(PyList_GET_ITEM(learned, *index));
        return 0;
    }
    *key = tv_key(p, kind, pos, open, level);
    if (*key == NULL) return -1;
    PyObject *found = PyDict_GetItemWithError(cr->lookup, *key);
    if (found != NULL) {
        *index = PyLong_AsSsize_t(found);
    }
    else if (PyErr_Occurred()) {
        goto fail;
    }
    else {
        PyObject *r = tv_call(p, cr->miss, *key); /* unknown: an Invalid */
        if (r == NULL) goto fail;
        *index = PyLong_AsSsize_t(r);
        Py_DECREF(r);
    }
    if (tv_learn_key(learned, *index, *key) == 0) return 0;
fail:
    Py_CLEAR(*key);
    return -1;
}

/* An entry that names no field (index: -1, or TV_HINT_KEY): its value is read (it must be
 * well-formed) and dropped, unless it is a __type hint naming another class, set in
 * *other (TV_ENTRY_SUBCLASS). TV_ENTRY_NEXT, TV_ENTRY_REREAD, or -1. */
ALWAYS_INLINE int
tv_other_entry(Parser *p, int kind, ClassRead *cr, Py_ssize_t index, Py_ssize_t *pos,
               Py_ssize_t level, PyObject **other)
{
    if (PyErr_Occurred()) return -1;
    PyObject *skipped = tv_value(p, kind, NULL, pos, 1, level + 1, NULL);
    if (skipped == NULL) return -1;
    PyObject *choose = TV_ITEM(cr->node, 11);
    if (index == TV_HINT_KEY && cr->declared != NULL && cr->entries > 0) {
        /* a second hint after the one that chose this class */
        Py_DECREF(skipped);
        return TV_ENTRY_REREAD;
    }
    if (index != TV_HINT_KEY || !PyUnicode_CheckExact(skipped) || choose == Py_None) {
        Py_DECREF(skipped);
        return TV_ENTRY_NEXT;
    }
    /* __type: the class it names, if another, is built from the map */
    Py_XSETREF(cr->hint, skipped);
    *other = tv_call(p, choose, cr->hint);
    if (*other == NULL) return -1;
    if (*other != Py_None) return TV_ENTRY_SUBCLASS;
    Py_CLEAR(*other);
    return TV_ENTRY_NEXT;
}

/* The value of field index, named by key (a new reference, consumed), into cr->kwargs. An
 * empty value reads as the field's rule says. 0, or -1. */
ALWAYS_INLINE int
tv_field_entry(Parser *p, int kind, ClassRead *cr, Py_ssize_t index, PyObject *key,
               Py_ssize_t *pos, Py_ssize_t level)
{
    cr->previous = index;
    cr->seen[index] = 1;
    PyObject *field = PyTuple_GET_ITEM(cr->fields, index);
    PyObject *name = PyTuple_GET_ITEM(field, 0);
    PyObject *field_node = PyTuple_GET_ITEM(field, 1);
    int empty = 0, r = 0;
    PyObject *value = tv_value(p, kind, field_node == Py_None ? NULL : field_node, pos, 1,
                               level + 1, &empty);
    if (value == NULL) {
        tv_add_path(p->st, key, p->st->tv_str_field);
        r = -1;
    }
    else if (!empty) {
        r = PyDict_SetItem(cr->kwargs, name, value);
    }
    else {
        switch (PyLong_AsLong(PyTuple_GET_ITEM(field, 2))) {
        case TV_EMPTY_NONE:
            r = PyDict_SetItem(cr->kwargs, name, Py_None);
            break;
        case TV_EMPTY_TEXT:
            r = PyDict_SetItem(cr->kwargs, name, p->st->str_empty);
            break;
        case TV_EMPTY_DEFAULT:
            cr->seen[index] = 2; /* not set: the default applies (seen[] rules out a pop) */
            break;
        default:
            tv_empty_misfit(p, field, key);
            r = -1;
            break;
        }
    }
    Py_XDECREF(value);
    Py_DECREF(key);
    return r;
}

/* The map is read: a class that can be built (not abstract; no required field missing).
 * 0, or -1 with the misfit. */
ALWAYS_INLINE int
tv_class_complete(Parser *p, ClassRead *cr)
{
    PyObject *node = cr->node;
    if (TV_ITEM(node, 12) != Py_None) {
        /* an abstract class, which no __type named a subclass of: a misfit */
        PyObject *exc = tv_call(p, TV_ITEM(node, 12), cr->hint == NULL ? Py_None : cr->hint);
        if (exc != NULL) {
            gc_end(p);
            PyErr_SetObject(p->st->Invalid, exc);
            Py_DECREF(exc);
        }
        return -1;
    }
    Py_CLEAR(cr->hint);
    PyObject *required = TV_ITEM(node, 5);
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(required); i++) {
        Py_ssize_t index = PyLong_AsSsize_t(PyTuple_GET_ITEM(required, i));
        if (index < 0 || index >= cr->nfields || cr->seen[index] != 1) {
            tv_invalid(p, PyTuple_GET_ITEM(TV_ITEM(node, 10), i), NULL);
            return -1;
        }
    }
    return 0;
}

/* A dataclass or TypedDict from the map opening at open. declared is the node of the
 * declared class when node is the subclass that the map's first entry, a __type hint,
 * named (else NULL): should the map give another hint, the declared class's pure converter
 * reads it (the last hint counts). */
static PyObject *
tv_class(Parser *p, int kind, PyObject *node, Py_ssize_t open, Py_ssize_t *pos,
         Py_ssize_t level, PyObject *declared)
{
    ClassRead cr;
    char local_seen[TV_LOCAL_FIELDS];
    PyObject *other = NULL; /* TV_ENTRY_SUBCLASS: the node of the class a hint named */
    int r = TV_ENTRY_NEXT;
    if (class_read_start(&cr, node, declared, local_seen) < 0) return NULL;
    if (!tv_empty_container(p, kind, open, pos, '}')) {
        *pos = open + 1;
        /* c_plan() makes the learned list, one None per field; it never changes size */
        int learning = PyList_GET_SIZE(cr.learned) == cr.nfields;
        while (r == TV_ENTRY_NEXT) {
            PyObject *key;
            Py_ssize_t index;
            if (tv_entry_key(p, kind, &cr, learning, pos, open, level, &key, &index) < 0) {
                r = -1;
            }
            else if (index < 0 || index >= cr.nfields) {
                Py_DECREF(key);
                r = tv_other_entry(p, kind, &cr, index, pos, level, &other);
            }
            else if (cr.seen[index]) {
                /* a field given twice (two spellings, or one key written twice): the pure
                 * converter sees only the last value of each key text, in the order of
                 * their first appearance */
                Py_DECREF(key);
                r = TV_ENTRY_REREAD;
            }
            else {
                r = tv_field_entry(p, kind, &cr, index, key, pos, level);
            }
            if (r != TV_ENTRY_NEXT) break;
            cr.entries++;
            r = tv_after_value(p, kind, pos, '}');
            if (r == 0) break;
            r = r < 0 ? -1 : TV_ENTRY_NEXT;
        }
    }
    if (r == TV_ENTRY_NEXT && tv_class_complete(p, &cr) == 0) {
        if (cr.seen_allocated) PyMem_Free(cr.seen);
        if (TV_ITEM(node, 6) == Py_True) return cr.kwargs; /* a TypedDict */
        PyObject *obj = tv_construct(p, node, cr.kwargs, cr.direct);
        if (obj == NULL) gc_end(p); /* before the values in kwargs are released */
        Py_DECREF(cr.kwargs);
        return obj;
    }
    class_read_release(p, &cr);
    if (r == TV_ENTRY_SUBCLASS) {
        /* first in the map (as written by ServiceStack): read it so; after fields already
         * read as this class, the pure converter reads it */
        PyObject *result = cr.entries == 0 && PyList_CheckExact(other)
                               ? tv_class(p, kind, other, open, pos, level, node)
                               : tv_reread(p, kind, cr.whole, open, pos, level);
        Py_DECREF(other);
        return result;
    }
    if (r == TV_ENTRY_REREAD) return tv_reread(p, kind, cr.whole, open, pos, level);
    /* a misfit (a class a hint chose: a later hint would count instead) */
    return tv_misfit_in_map(p, kind, cr.whole, open, pos, level, declared != NULL);
}

/* The pure converter of node on the untyped tree of the map or list opening at open (a
 * converter-only node, or one that rejects it); *pos moves after it. */
static PyObject *
tv_pure_tree(Parser *p, int kind, PyObject *node, Py_ssize_t open, Py_ssize_t *pos,
             Py_ssize_t level, Py_UCS4 closer)
{
    PyObject *tree;
    if (tv_empty_container(p, kind, open, pos, closer)) {
        tree = closer == '}' ? PyDict_New() : PyList_New(0);
    }
    else {
        tree = tv_tree_container(p, kind, open, pos, level);
    }
    if (tree == NULL) return NULL;
    /* through jsv._source: the converter may recurse as deep as the tree */
    gc_allow(p);
    PyObject *result =
        PyObject_CallFunctionObjArgs(p->st->py_source_convert_tree, TV_CONVERTER(node), tree, NULL);
    if (result == NULL) gc_end(p);
    else gc_repause(p);
    Py_DECREF(tree);
    return result;
}

/* A str given the map or list opening at open: its text, as written (the reference reads
 * it so); *pos moves after it. */
static PyObject *
tv_verbatim(Parser *p, int kind, Py_ssize_t open, Py_ssize_t *pos, Py_ssize_t level)
{
    PyObject *tree = tv_tree_container(p, kind, open, pos, level);
    if (tree == NULL) return NULL;
    Py_DECREF(tree);
    return substring(p, kind, open, *pos);
}

/* A union of dataclasses given the map opening at open. A map whose first entry is the
 * __type hint (as ServiceStack writes it) that names a candidate is read as that class
 * here; any other map, by the union's converter (which finds a hint anywhere, or reports
 * the misfit). */
static PyObject *
tv_poly(Parser *p, int kind, PyObject *node, Py_ssize_t open, Py_ssize_t *pos,
        Py_ssize_t level)
{
    PyObject *chosen = NULL;
    if (!tv_empty_container(p, kind, open, pos, '}')) {
        Py_ssize_t q = open + 1;
        PyObject *key = tv_key(p, kind, &q, open, level);
        if (key == NULL) return NULL;
        PyObject *is_hint = tv_call(p, TV_ITEM(node, 1), key);
        Py_DECREF(key);
        if (is_hint == NULL) return NULL;
        int hint_first = is_hint == Py_True;
        Py_DECREF(is_hint);
        if (hint_first) {
            PyObject *hint = tv_value(p, kind, NULL, &q, 1, level + 1, NULL);
            if (hint == NULL) return NULL;
            if (PyUnicode_CheckExact(hint)) chosen = tv_call(p, TV_ITEM(node, 2), hint);
            Py_DECREF(hint);
            if (chosen == NULL && PyErr_Occurred()) return NULL;
        }
    }
    if (chosen != NULL && PyList_CheckExact(chosen)) {
        /* (should the map give another hint, the union's converter reads it) */
        PyObject *result = tv_class(p, kind, chosen, open, pos, level, node);
        Py_DECREF(chosen);
        return result;
    }
    Py_XDECREF(chosen);
    return tv_reread(p, kind, node, open, pos, level);
}

/* The value at *pos read by node (NULL: the text of a str field, or an untyped value to
 * drop when empty is NULL), ending before its separator. A container opening here is at
 * nesting level `level`. With `empty` given, an empty value sets *empty and returns None
 * (the field decides); otherwise node converts it. */
static PyObject *
tv_value(Parser *p, int kind, PyObject *node, Py_ssize_t *pos, int in_map, Py_ssize_t level,
         int *empty)
{
    const void *data = p->data;
    Py_ssize_t n = p->n;
    Py_ssize_t v = *pos;
    Py_UCS4 c = v < n ? CH(v) : 0xFFFFFFFF;
    if (c != 0xFFFFFFFF && ws_len(p, data, kind, v)) {
        v = skip_ws(p, data, kind, v, n);
        c = v < n ? CH(v) : 0xFFFFFFFF;
    }
    if (c == '{' || c == '[') {
        if (level > p->st->MAX_DEPTH) return tv_malformed(p);
        Py_UCS4 closer = c == '{' ? '}' : ']';
        if (node == NULL) {
            /* a str field: the container's text, as written */
            if (empty != NULL) return tv_verbatim(p, kind, v, pos, level);
            if (tv_empty_container(p, kind, v, pos, closer)) {
                return c == '{' ? PyDict_New() : PyList_New(0);
            }
            return tv_tree_container(p, kind, v, pos, level);
        }
        for (;;) {
            switch (TV_KIND(node)) {
            case TV_OPTIONAL:
                node = TV_ITEM(node, 1);
                continue;
            case TV_STR:
                return tv_verbatim(p, kind, v, pos, level);
            case TV_ANY:
                if (tv_empty_container(p, kind, v, pos, closer)) {
                    return c == '{' ? PyDict_New() : PyList_New(0);
                }
                return tv_tree_container(p, kind, v, pos, level);
            case TV_LIST:
                if (c == '[') return tv_list(p, kind, node, v, pos, level);
                break;
            case TV_DICT:
                if (c == '{') return tv_dict(p, kind, node, v, pos, level);
                break;
            case TV_CLASS:
                if (c == '{') return tv_class(p, kind, node, v, pos, level, NULL);
                break;
            case TV_PY:
                /* where a str under it may be given a map or list, from the text */
                if (TV_ITEM(node, 1) == Py_True) return tv_reread(p, kind, node, v, pos, level);
                return tv_pure_tree(p, kind, node, v, pos, level, closer);
            case TV_POLY:
                if (c == '{') return tv_poly(p, kind, node, v, pos, level);
                return tv_reread(p, kind, node, v, pos, level);
            default:
                break;
            }
            /* a container the node does not read: its converter rejects it */
            return tv_pure_tree(p, kind, node, v, pos, level, closer);
        }
    }
    PyObject *text;
    if (c == '"') {
        text = parse_quoted(p, kind, v, pos, 0);
        if (text == NULL) return NULL;
    }
    else {
        Py_ssize_t s = p->trim ? v : *pos;
        Py_ssize_t q = in_map ? scan_for(data, kind, s, n, ',', '}', '}')
                              : scan_for(data, kind, s, n, ',', ']', ']');
        *pos = q;
        if (p->trim) q = rstrip_end(p, data, kind, s, q);
        if (q == s) {
            if (empty != NULL) {
                *empty = 1;
                Py_RETURN_NONE;
            }
            if (node == NULL) Py_RETURN_NONE;
            return tv_leaf(p, node, Py_None);
        }
        if (node != NULL) {
            long node_kind = TV_KIND(node);
            if (node_kind == TV_OPTIONAL) {
                node = TV_ITEM(node, 1);
                node_kind = TV_KIND(node);
            }
            if (node_kind == TV_INT || node_kind == TV_BOOL || node_kind == TV_FLOAT) {
                PyObject *fast = tv_bare_fast(p, kind, node_kind, s, q);
                if (fast != NULL || PyErr_Occurred()) return fast;
            }
        }
        text = value_string(p, kind, s, q);
        if (text == NULL) return NULL;
    }
    if (node == NULL) return text;
    PyObject *result = tv_leaf(p, node, text);
    Py_DECREF(text);
    return result;
}

/* The whole document read by node (parse_document() of the untyped kernel). */
static PyObject *
tv_document(Parser *p, int kind, PyObject *node)
{
    const void *data = p->data;
    Py_ssize_t n = p->n;
    Py_ssize_t start = document_start(p, kind);
    if (start == n) return tv_leaf(p, node, Py_None);
    Py_UCS4 first = CH(start);
    PyObject *value;
    Py_ssize_t pos = start;
    if (first == '{' || first == '[' || first == '"') {
        /* as a value in a list: a container at level 1, or a quoted text */
        value = tv_value(p, kind, node, &pos, 0, 1, NULL);
    }
    else {
        Py_ssize_t end = rstrip_end(p, data, kind, start, n);
        PyObject *text = substring(p, kind, start, end);
        if (text == NULL) return NULL;
        value = tv_leaf(p, node, text);
        Py_DECREF(text);
        return value;
    }
    if (value == NULL) return NULL;
    pos = skip_ws(p, data, kind, pos, n);
    if (pos != n) {
        gc_end(p);
        Py_DECREF(value);
        return tv_malformed(p);
    }
    return value;
}

static PyObject *
decode_typed_impl(JsvState *st, PyObject *data, PyObject *trim_obj, PyObject *node,
                  PyObject *fallback)
{
    if (!PyList_CheckExact(node) || PyList_GET_SIZE(node) < 1) {
        PyErr_SetString(PyExc_TypeError, "decode_typed() needs a compact plan");
        return NULL;
    }
    int trim = PyObject_IsTrue(trim_obj);
    if (trim < 0) return NULL;
    Parser p;
    int kind;
    parser_init(&p, st, trim, NULL);
    PyObject *result = NULL;
    if (jsv_caches_enter(st) < 0) return NULL;
    /* the typed decode skips the values of unknown keys: the bytes are checked first */
    int ready = jsv_parser_set_input(&p, data, &kind, 0, 1);
    if (ready < 0) goto done;
    if (ready == 0) {
        /* invalid UTF-8 (and what jsv._typed converts first: bytearray, memoryview ...):
         * the fallback raises the parser's error */
        return PyObject_CallFunctionObjArgs(fallback, data, Py_None, NULL);
    }
    Py_INCREF(data);
    Py_INCREF(node);
    gc_pause(&p);
    result = tv_document(&p, kind, node);
    gc_end(&p);
    Py_DECREF(node);
    Py_XDECREF(p.doc);
    Py_DECREF(data);
done:
    if (result != NULL) return result;
    if (PyErr_ExceptionMatches(st->Invalid)) {
        /* a misfit: the fallback turns it into the ValidationError, with the position
         * (or raises the DecodeError of text malformed further on) */
        PyObject *type, *value, *tb;
        PyErr_Fetch(&type, &value, &tb);
        PyErr_NormalizeException(&type, &value, &tb);
        Py_XDECREF(type);
        Py_XDECREF(tb);
        if (value == NULL) return NULL;
        result = PyObject_CallFunctionObjArgs(fallback, data, value, NULL);
        Py_DECREF(value);
        return result;
    }
    if (PyErr_ExceptionMatches(st->tv_malformed_error) || PyErr_ExceptionMatches(st->DecodeError)) {
        /* malformed text: the parser raises the exact DecodeError */
        PyErr_Clear();
        return PyObject_CallFunctionObjArgs(fallback, data, Py_None, NULL);
    }
    return NULL; /* the caller's own exceptions pass, as on the pure path */
}

const char jsv_decode_typed_doc[] = PyDoc_STR(
             "decode_typed($module, /, data, trim, plan, fallback)\n--\n\n"
             "Decode data straight into the objects of a compact typed plan (see\n"
             "jsv._typed.c_plan). Where the text does not fit, fallback(data, invalid)\n"
             "raises the error: invalid is the jsv._errors.Invalid found, None for\n"
             "malformed text.");

PyObject *
jsv_decode_typed(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                      PyObject *kwnames)
{
    JsvState *st = jsv_state(module);
    static const char *const names[] = {"data", "trim", "plan", "fallback"};
    PyObject *a[4];
    if (kwnames == NULL && nargs == 4) {
        return decode_typed_impl(st, args[0], args[1], args[2], args[3]);
    }
    if (jsv_unpack_args("decode_typed", names, 4, 4, args, nargs, kwnames, a) < 0) return NULL;
    return decode_typed_impl(st, a[0], a[1], a[2], a[3]);
}

/* ------------------------------------------------------------------------------------ */
/* The typed decoder's constants, made when the module is initialised (never lazily: two    */
/* threads could both make them). 0, or -1 with an exception.                            */

int
jsv_typed_init(JsvState *st)
{
    st->tv_empty_tuple = PyTuple_New(0);
    st->tv_malformed_error = PyErr_NewException("jsv._speedups._Malformed", NULL, NULL);
    if (st->tv_empty_tuple == NULL || st->tv_malformed_error == NULL ||
        jsv_intern("__post_init__", &st->tv_str_post_init) < 0 ||
        jsv_intern("__dict__", &st->tv_str_dict) < 0 ||
        jsv_intern("field", &st->tv_str_field) < 0) {
        return -1;
    }
    /* (jsv._errors, jsv._source and jsv._poly import nothing that imports this module) */
    PyObject *errors = PyImport_ImportModule("jsv._errors");
    if (errors == NULL) return -1;
    int failed = jsv_get_attr(errors, "Invalid", &st->Invalid) < 0 ||
                 jsv_get_attr(errors, "rejected", &st->py_rejected) < 0;
    Py_DECREF(errors);
    PyObject *source = failed ? NULL : PyImport_ImportModule("jsv._source");
    if (source == NULL) return -1;
    failed = jsv_get_attr(source, "convert", &st->py_source_convert) < 0 ||
             jsv_get_attr(source, "convert_tree", &st->py_source_convert_tree) < 0;
    Py_DECREF(source);
    PyObject *poly = failed ? NULL : PyImport_ImportModule("jsv._poly");
    if (poly == NULL) return -1;
    failed = jsv_get_attr(poly, "is_hint_key", &st->py_is_hint_key) < 0;
    Py_DECREF(poly);
    return failed ? -1 : 0;
}

/* The module's NODE_KINDS ({"C_ANY": 0, ...}), EMPTY_RULES ({"EMPTY_NONE": 0, ...}) and
 * HINT_KEY: the constants this file shares with jsv/_typed.py and jsv/_layout.py. 0, or -1. */
int
jsv_typed_add_constants(PyObject *module)
{
    PyObject *kinds = PyDict_New();
    PyObject *rules = PyDict_New();
    int failed = kinds == NULL || rules == NULL;
#define TV_ADD(dict, prefix, name, value)                                                 \
    if (!failed) {                                                                        \
        PyObject *v = PyLong_FromLong(value);                                             \
        failed = v == NULL || PyDict_SetItemString(dict, prefix #name, v) < 0;            \
        Py_XDECREF(v);                                                                    \
    }
#define TV_ADD_KIND(name, value) TV_ADD(kinds, "C_", name, value)
#define TV_ADD_RULE(name, value) TV_ADD(rules, "EMPTY_", name, value)
    TV_NODE_KINDS(TV_ADD_KIND)
    TV_EMPTY_RULES(TV_ADD_RULE)
#undef TV_ADD_RULE
#undef TV_ADD_KIND
#undef TV_ADD
    if (!failed) failed = PyModule_AddObjectRef(module, "NODE_KINDS", kinds) < 0;
    if (!failed) failed = PyModule_AddObjectRef(module, "EMPTY_RULES", rules) < 0;
    if (!failed) failed = PyModule_AddIntConstant(module, "HINT_KEY", TV_HINT_KEY) < 0;
    Py_XDECREF(kinds);
    Py_XDECREF(rules);
    return failed ? -1 : 0;
}
