/*
 * jsv/_jsv.h: what the translation units of the C accelerator jsv._speedups share.
 *
 *   _jsv_module.c   the module: its state, method table and initialisation, the caches,
 *                   argument parsing and the error helpers
 *   _jsv_parse.c    untyped decoding: decode() and decode_raw_keys()
 *   _jsv_typed.c    typed decoding: decode_typed()
 *   _jsv_encode.c   the untyped encoder: encode() and encode_bytes()
 *   _jsv_classes.c  what the encoder knows of classes: the class and enum-member tables,
 *                   and the field values of dataclasses
 *   _jsv_text.h     the text primitives both decoders run in their loops (inline)
 *   _compat.h       the switches between CPython versions (the only internals used)
 *
 * The symbols shared between the files carry the jsv_ prefix and are hidden: the linker
 * sees them, no other extension does.
 */
#ifndef JSV_H
#define JSV_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "_compat.h"

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

#if defined(__GNUC__) && !defined(_WIN32)
#pragma GCC visibility push(hidden)
#endif

/* ------------------------------------------------------------------------------------ */
/* The module state (PEP 489): the Python objects the C code uses, made by the module's  */
/* exec slot (_jsv_module.c) and held by the module. Each call fetches the state of its */
/* module once and passes it on (Parser.st, Encoder.st, or an argument).                */

#define JSV_STATE_OBJECTS(X)                                                             \
    /* jsv._errors: the exception classes and message texts */                           \
    X(DecodeError) X(EncodeError) X(Invalid)                                              \
    X(MSG_UNTERMINATED_STRING) X(MSG_UNTERMINATED_MAP) X(MSG_UNTERMINATED_LIST)           \
    X(MSG_EXPECTED_COLON) X(MSG_EXPECTED_MAP_SEP) X(MSG_EXPECTED_LIST_SEP)                \
    X(MSG_EXTRA_DATA) X(MSG_TOO_DEEP) X(MSG_INVALID_UTF8) X(MSG_BAD_INPUT_TYPE)           \
    X(MSG_UNSUPPORTED_KEY) X(MSG_SINGLE_NONE_LIST) X(MSG_CIRCULAR)                        \
    X(MSG_ENCODE_TOO_DEEP) X(MSG_LONE_SURROGATE)                                          \
    X(py_unterminated)        /* jsv._errors.unterminated */                              \
    X(py_rejected)            /* jsv._errors.rejected(type_name, error) -> Invalid */     \
    /* jsv._encode */                                                                     \
    X(ScalarError)                                                                        \
    X(py_encode) X(py_encode_bytes) X(py_scalar_token) X(py_key_token)                    \
    X(py_field_reader) X(py_path) X(py_resolve)                                           \
    /* jsv._naming.rename_function, and the policy functions it gives */                 \
    X(py_rename_function) X(rename_camel) X(rename_pascal) X(rename_snake)                \
    X(py_partial)             /* functools.partial */                                     \
    X(py_sorted)              /* builtins.sorted */                                       \
    X(tv_enum_class)          /* enum.Enum */                                             \
    X(py_source_convert)      /* jsv._source.convert(converter, text, trim) */            \
    X(py_source_convert_tree) /* jsv._source.convert_tree(converter, tree) */             \
    X(py_is_hint_key)         /* jsv._poly.is_hint_key(key) */                            \
    X(tv_malformed_error)     /* the private marker of malformed text */                  \
    X(tv_empty_tuple)                                                                     \
    /* interned strings */                                                                \
    X(str_camel) X(str_pascal) X(str_snake) X(str_colon) X(str_colon_space) X(str_char)  \
    X(str_empty) X(str_quote) X(str_dquote) X(str_format) X(str_type) X(str_path)         \
    X(str_reason) X(str_name) X(str_items) X(str_dataclass_fields) X(str_key)             \
    X(str_rename) X(str_indent) X(str_default) X(str_str_method)                          \
    X(tv_str_post_init) X(tv_str_dict) X(tv_str_field) X(tv_str_value_)                  \
    X(caches_key)             /* the caches' key in the thread state dict */

typedef struct {
#define JSV_STATE_FIELD(name) PyObject *name;
    JSV_STATE_OBJECTS(JSV_STATE_FIELD)
#undef JSV_STATE_FIELD
    Py_ssize_t MAX_DEPTH; /* jsv._errors.MAX_DEPTH */
} JsvState;

/* The state of the module a function of it was called on. */
static inline JsvState *
jsv_state(PyObject *module)
{
    return (JsvState *)PyModule_GetState(module);
}

/* ------------------------------------------------------------------------------------ */
/* Errors (_jsv_module.c)                                                               */

void jsv_raise_decode_error(JsvState *st, PyObject *msg, PyObject *doc, Py_ssize_t pos);
PyObject *jsv_format_message(JsvState *st, PyObject *fmt, PyObject *name1, PyObject *v1,
                             PyObject *name2, PyObject *v2);
PyObject *jsv_type_name(JsvState *st, PyObject *obj);

/* Argument parsing for METH_FASTCALL | METH_KEYWORDS (_jsv_module.c) */
int jsv_unpack_args(const char *fname, const char *const *names, Py_ssize_t nparams,
                    Py_ssize_t nrequired, PyObject *const *args, Py_ssize_t nargs,
                    PyObject *kwnames, PyObject **out);

/* Module attributes read at initialisation (_jsv_module.c). */
int jsv_get_attr(PyObject *module, const char *name, PyObject **out);
int jsv_intern(const char *text, PyObject **out);

/* ------------------------------------------------------------------------------------ */
/* The caches (_jsv_module.c)                                                           */

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

/* What the encoder knows of a class, found once per class (see _jsv_classes.c). */
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
static inline void
class_slot_release(ClassSlot *held)
{
    Py_XDECREF(held->rename_fn);
    Py_XDECREF(held->colon);
    Py_XDECREF(held->reader);
}

/* The class table has 1 << TV_CLASS_BITS sets of two slots (see jsv_class_slot()). */
#define TV_CLASS_BITS 7

/* The caches that decoding and encoding fill as they go: map keys and short bare values
 * ("None", "False", "0", "String", ... repeat a lot), and the encoder's class table.
 * With the GIL there is one set for the process. On a free-threaded build every thread
 * has its own set, kept in its thread state dict and released with it, so that no cache
 * is ever written by two threads at once; jsv_caches_enter() makes it the current one at
 * the start of every call. They are no part of the module state: what they hold is found
 * again from the text (by its characters) or from the class (by its address and version
 * tag), whichever module instance asks, so a module imported again shares them. Because
 * they hold Python objects for the whole process, the module declares that it supports
 * one interpreter only (_jsv_module.c). */
typedef struct {
    KeyCacheEntry keys[KEY_CACHE_SIZE];
    KeyCacheEntry values[KEY_CACHE_SIZE];
    ClassSlot classes[1 << TV_CLASS_BITS][2];
} Caches;

void jsv_caches_clear(Caches *caches);

#ifdef Py_GIL_DISABLED
extern JSV_THREAD_LOCAL Caches *jsv_current_caches;
#define CACHES jsv_current_caches
/* Make this thread's caches current (created on its first call). 0, or -1 with an
 * exception. */
int jsv_caches_enter(JsvState *st);
#else
extern Caches jsv_process_caches;
#define CACHES (&jsv_process_caches)
#define jsv_caches_enter(st) 0
#endif

/* ------------------------------------------------------------------------------------ */
/* Decoding (_jsv_parse.c): the parser's state, and the value stack                     */

typedef struct {
    JsvState *st;      /* the module's state */
    PyObject *doc;     /* the str parsed; NULL while parsing bytes directly */
    const void *data;
    Py_ssize_t n;      /* in code units (bytes when parsing bytes) */
    int ascii;         /* every character is ASCII */
    int utf8;          /* data is non-ASCII UTF-8: positions are byte offsets */
    int unchecked;     /* ... not validated yet (see jsv_parser_check_utf8()) */
    Py_ssize_t wide_from, wide_at; /* utf8: the first byte >= 0x80 at or after wide_from
                                    * is at wide_at (see utf8_beyond_ascii()) */
    int trim;
    PyObject *map_key; /* NULL: the key text as is */
    Py_ssize_t max_depth; /* the nesting parse_container() allows (MAX_DEPTH, or less for
                           * a typed decode's untyped subtree) */
    int gc_paused;        /* this call paused the collector (see gc_pause()) */
} Parser;

/* The parser's settings for one decode (its input is set by jsv_parser_set_input()). */
static inline void
parser_init(Parser *p, JsvState *st, int trim, PyObject *map_key)
{
    p->st = st;
    p->trim = trim;
    p->map_key = map_key;
    p->max_depth = st->MAX_DEPTH;
    p->gc_paused = 0;
}

/* Whether the SSE2 paths of the encoder and the parser run (_set_simd(): a switch for the
 * tests, which compare both with the pure kernel; the scalar twins run wherever SSE2 is
 * not available). Both give the same results, so switching it while other threads work
 * (free-threaded builds) changes only speed. It is a switch of the process, as the CPU's
 * features are, not of a module. */
extern int jsv_use_simd;

/* Raise the DecodeError of msg at pos; the input ends inside the container at open_pos. */
void jsv_parser_error(Parser *p, PyObject *msg, Py_ssize_t pos);
void jsv_parser_unterminated(Parser *p, int is_map, Py_ssize_t open_pos);
int jsv_parser_set_input(Parser *p, PyObject *data, int *kind, int convert_others,
                         int check_utf8);
/* Where the parse of unchecked UTF-8 bytes fails: -1 with the DecodeError of the first
 * invalid byte set if they are not valid UTF-8, else 0. */
int jsv_parser_check_utf8(Parser *p);
/* A token of unchecked UTF-8 bytes is not valid UTF-8: raise the document's error. */
PyObject *jsv_parser_token_not_utf8(Parser *p);
/* The untyped map or list opening at pos (parse_container() for a kind known at run
 * time); *end_out receives the position after it. */
PyObject *jsv_parse_container(Parser *p, int kind, Py_ssize_t pos, Py_ssize_t *end_out);

/* The decoder's items of every open container, in document order (a map's as key, value,
 * ...): each container is built once, at its closer, with its final size. The encoder
 * keeps the field values of the dataclasses it is writing on one too. */
typedef struct {
    PyObject **items;
    Py_ssize_t top, cap;
    PyObject *local[64];
} ValueStack;

int jsv_vs_grow(ValueStack *vs);

/* Make room for n more items. */
static inline int
vs_reserve(ValueStack *vs, Py_ssize_t n)
{
    while (vs->top + n > vs->cap) {
        if (jsv_vs_grow(vs) < 0) return -1;
    }
    return 0;
}

/* Push a new reference (consumed, also on failure). */
ALWAYS_INLINE int
vs_push(ValueStack *vs, PyObject *obj)
{
    if (UNLIKELY(vs->top == vs->cap) && jsv_vs_grow(vs) < 0) {
        Py_DECREF(obj);
        return -1;
    }
    vs->items[vs->top++] = obj;
    return 0;
}

static inline void
vs_drop(ValueStack *vs, Py_ssize_t base)
{
    while (vs->top > base) {
        vs->top--;
        Py_DECREF(vs->items[vs->top]);
    }
}

static inline void
vs_init(ValueStack *vs)
{
    vs->items = vs->local;
    vs->top = 0;
    vs->cap = sizeof(vs->local) / sizeof(vs->local[0]);
}

/* Release what the stack holds, and its memory. */
static inline void
vs_free(ValueStack *vs)
{
    vs_drop(vs, 0);
    if (vs->items != vs->local) PyMem_Free(vs->items);
    vs->items = vs->local;
}

/* ------------------------------------------------------------------------------------ */
/* Encoding (_jsv_encode.c): the output buffer                                          */

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

/* Write a str by the rule of spec §4 (quoted when it must be). 0, or -1. */
int jsv_write_string(Writer *w, PyObject *s);

/* ------------------------------------------------------------------------------------ */
/* What the encoder knows of classes (_jsv_classes.c)                                   */

enum { CLASS_OTHER, CLASS_ENUM, CLASS_DATACLASS, CLASS_UNKNOWN };

/* The table (CACHES->classes) has 1 << TV_CLASS_BITS sets of two slots; a class's
 * address picks its set (Fibonacci hashing mixes the address's bits). Two ways keep two
 * busy classes that share a set from taking each other's place on every lookup, which
 * would make the speed of a run depend on where the classes happen to sit in memory. */
#define TV_FIBONACCI ((uintptr_t)0x9E3779B97F4A7C15ull)
#define TV_SET_OF(address, bits) \
    ((((uintptr_t)(address) >> 4) * TV_FIBONACCI) >> (sizeof(uintptr_t) * 8 - (bits)))

ClassSlot *jsv_class_slot_fill(JsvState *st, ClassSlot *set, PyTypeObject *type);

/* Whether slot describes type as it is now. */
ALWAYS_INLINE int
class_slot_holds(const ClassSlot *slot, PyTypeObject *type)
{
    return slot->type == type && slot->tag != 0 && slot->tag == jsv_type_version(type);
}

/* The slot describing type, filled anew if stale; NULL with an exception on error. */
ALWAYS_INLINE ClassSlot *
jsv_class_slot(JsvState *st, PyTypeObject *type)
{
    ClassSlot *set = CACHES->classes[TV_SET_OF(type, TV_CLASS_BITS)];
    if (LIKELY(class_slot_holds(&set[0], type))) return &set[0];
    if (class_slot_holds(&set[1], type)) return &set[1];
    return jsv_class_slot_fill(st, set, type);
}

/* Write value if it is an enum member whose value is a str: 1 (written), 0 (not one), -1. */
int jsv_write_str_enum(JsvState *st, Writer *w, PyObject *value);

/* (inline: the encoder asks these of every value of no common type) */
/* For the compact loops: write value if it is an enum member with a str value (1), or
 * say that it is a plain dataclass, to be opened (2); 0 for anything else, -1 on error. */
static inline int
jsv_enum_or_dataclass(JsvState *st, Writer *w, PyObject *value)
{
    ClassSlot *slot = jsv_class_slot(st, Py_TYPE(value));
    if (slot == NULL) return -1;
    if (slot->kind == CLASS_DATACLASS) return slot->container_base ? 0 : 2;
    return slot->kind == CLASS_ENUM ? jsv_write_str_enum(st, w, value) : 0;
}

/* Whether value is an enum member (1), as the class table tells it; -1 on error. */
static inline int
jsv_is_enum(JsvState *st, PyObject *value)
{
    ClassSlot *slot = jsv_class_slot(st, Py_TYPE(value));
    if (slot == NULL) return -1;
    return slot->kind == CLASS_ENUM;
}

/* Whether value is to be opened as a dataclass: hasattr(type(value),
 * "__dataclass_fields__"), the encoder's test, answered from the class's slot. 2: yes,
 * and it is no dict, list, tuple or set either. */
static inline int
jsv_is_dataclass(JsvState *st, PyObject *value)
{
    ClassSlot *slot = jsv_class_slot(st, Py_TYPE(value));
    if (slot == NULL) return -1;
    if (slot->kind == CLASS_DATACLASS) return slot->container_base ? 1 : 2;
    if (slot->kind == CLASS_OTHER) return 0;
    return PyObject_HasAttr((PyObject *)Py_TYPE(value), st->str_dataclass_fields);
}

Py_ssize_t jsv_field_values(JsvState *st, PyObject *value, PyObject *rename_fn, PyObject *colon,
                            PyObject **keys, PyObject **hints, PyObject **hint,
                            ValueStack *values);

/* ------------------------------------------------------------------------------------ */
/* The module's functions and the initialisation of each file's constants               */

PyObject *jsv_decode(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                     PyObject *kwnames);
PyObject *jsv_decode_raw_keys(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                              PyObject *kwnames);
PyObject *jsv_encode(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                     PyObject *kwnames);
PyObject *jsv_encode_bytes(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                           PyObject *kwnames);
PyObject *jsv_set_simd(PyObject *module, PyObject *enabled);
PyObject *jsv_decode_typed(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                           PyObject *kwnames);
extern const char jsv_decode_doc[], jsv_decode_raw_keys_doc[], jsv_encode_doc[],
    jsv_encode_bytes_doc[], jsv_set_simd_doc[], jsv_decode_typed_doc[];

int jsv_typed_init(JsvState *st);
int jsv_typed_add_constants(PyObject *module);
int jsv_classes_init(JsvState *st);

#if defined(__GNUC__) && !defined(_WIN32)
#pragma GCC visibility pop
#endif

#endif /* JSV_H */
