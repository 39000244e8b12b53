/*
 * jsv/_compat.h: the one place where the C accelerator touches CPython beyond its public
 * API, and the switches between CPython versions.
 *
 * Everything else in the jsv/ C sources uses the public C API (including the PyUnstable_*
 * functions, which are public and versioned). Each internal kept here for speed sits behind
 * a version check (JSV_INTERNALS_HEX, below) with a public-API path for every other version,
 * so that CPython versions this code was never built on (3.14 and later) compile and behave
 * the same, only without the shortcut. tests/test_portability.py checks that no other
 * source file names a CPython internal, and CI builds the module with
 * -DJSV_PUBLIC_API_ONLY, which takes every public path, and runs the C tests on it.
 *
 * What is here:
 *   JSV_ASCII_SPACE[c]          str.isspace() of an ASCII character (a table of our own)
 *   jsv_is_space(c)             str.isspace() of any character (public macro)
 *   jsv_new_dict(n)             a dict for about n entries (presized where CPython can)
 *   jsv_small_int(o)            the value of a small non-negative int known to fit a digit
 *   jsv_type_lookup(type, name) the class attribute found along the MRO (borrowed, or NULL
 *                               with no exception), as attribute lookup finds it; also
 *                               gives the type a valid version tag where it can
 *   jsv_type_version(type)      the type's version tag while it is valid (CPython gives the
 *                               type a new one whenever it or a base changes), else 0
 *   JSV_HAVE_DICT_VERSION       defined where dicts carry a version tag (3.11 only: it is
 *                               deprecated from 3.12 and removed in 3.14), with
 *                               jsv_dict_version(dict) and jsv_object_dict_ptr(obj)
 *   jsv_bytes_resize(&o, n)     resize a bytes object that is not yet shared (in place
 *                               where CPython can)
 *   JSV_MOD_MULTIPLE_INTERPRETERS  the Py_mod_multiple_interpreters slot's value (3.12+):
 *                               one interpreter only (the caches are per process)
 *   JSV_MOD_GIL                 the Py_mod_gil slot's value (3.13+): the module is safe
 *                               without the GIL on a free-threaded build
 *   JSV_THREAD_LOCAL            a variable of each thread (used on free-threaded builds)
 *   Py_BEGIN/END_CRITICAL_SECTION  public from 3.13; before, with the GIL, plain braces
 */
#ifndef JSV_COMPAT_H
#define JSV_COMPAT_H

#include <Python.h>

/* The version the internals are chosen for: this CPython's, or, with JSV_PUBLIC_API_ONLY
 * defined, one newer than any known (every public path; needs 3.12 or later). */
#ifdef JSV_PUBLIC_API_ONLY
#define JSV_INTERNALS_HEX 0x7FFFFFFF
#else
#define JSV_INTERNALS_HEX PY_VERSION_HEX
#endif

/* str.isspace() for ASCII: \t \n \v \f \r, the four separators 0x1C-0x1F, and space. */
static const unsigned char JSV_ASCII_SPACE[256] = {
    ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1,
    [0x1C] = 1, [0x1D] = 1, [0x1E] = 1, [0x1F] = 1, [' '] = 1,
};

static inline int
jsv_is_space(Py_UCS4 c)
{
    return c < 128 ? JSV_ASCII_SPACE[c] : Py_UNICODE_ISSPACE(c);
}

static inline PyObject *
jsv_new_dict(Py_ssize_t n)
{
#if JSV_INTERNALS_HEX < 0x030E0000
    /* exported by 3.11 to 3.13: saves the resizes of a dict built entry by entry */
    return n > 5 ? _PyDict_NewPresized(n) : PyDict_New();
#else
    (void)n;
    return PyDict_New();
#endif
}

/* The value of o, an int in [0, 2**15) (PyLong_AsLong() would do, but this runs for every
 * node of a typed plan). */
static inline long
jsv_small_int(PyObject *o)
{
#if JSV_INTERNALS_HEX < 0x030C0000
    /* 3.11's layout: the size is the number of digits, 0 for zero */
    return Py_SIZE(o) == 0 ? 0 : (long)((PyLongObject *)o)->ob_digit[0];
#elif JSV_INTERNALS_HEX < 0x030E0000
    /* public (unstable) API of 3.12 and 3.13 */
    return (long)PyUnstable_Long_CompactValue((PyLongObject *)o);
#else
    return PyLong_AsLong(o);
#endif
}

static inline PyObject *
jsv_type_lookup(PyTypeObject *type, PyObject *name)
{
#if JSV_INTERNALS_HEX < 0x030E0000
    /* exported by 3.11 to 3.13; uses (and fills) the method cache and assigns the version
     * tag */
    return _PyType_Lookup(type, name);
#else
    PyUnstable_Type_AssignVersionTag(type);
    PyObject *mro = type->tp_mro;
    if (mro == NULL || !PyTuple_Check(mro)) return NULL;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(mro); i++) {
        PyObject *base = PyTuple_GET_ITEM(mro, i);
        if (!PyType_Check(base)) continue;
        PyObject *dict = PyType_GetDict((PyTypeObject *)base);
        if (dict == NULL) {
            PyErr_Clear();
            continue;
        }
        PyObject *found = PyDict_GetItemWithError(dict, name);
        Py_DECREF(dict); /* the type keeps its dict, and so what the dict holds, alive */
        if (found != NULL) return found;
        PyErr_Clear();
    }
    return NULL;
#endif
}

static inline unsigned int
jsv_type_version(PyTypeObject *type)
{
#if JSV_INTERNALS_HEX < 0x030C0000
    /* 3.11 marks a valid tag with a flag */
    return PyType_HasFeature(type, Py_TPFLAGS_VALID_VERSION_TAG) ? type->tp_version_tag : 0;
#elif JSV_INTERNALS_HEX < 0x030F0000
    /* 3.12 to 3.14 no longer set the flag: 0 is the invalid tag */
    return type->tp_version_tag;
#else
    /* unknown: no tag, so what is known of a class is looked up again each time */
    (void)type;
    return 0;
#endif
}

#if JSV_INTERNALS_HEX < 0x030C0000
#define JSV_HAVE_DICT_VERSION 1

static inline uint64_t
jsv_dict_version(PyObject *dict)
{
    return ((PyDictObject *)dict)->ma_version_tag;
}

static inline PyObject **
jsv_object_dict_ptr(PyObject *obj)
{
    return _PyObject_GetDictPtr(obj);
}
#endif

/* Resize the bytes object *obj, which nothing else references yet, to n bytes. On failure
 * *obj is released and set to NULL, and -1 is returned. */
static inline int
jsv_bytes_resize(PyObject **obj, Py_ssize_t n)
{
#if JSV_INTERNALS_HEX < 0x030F0000
    /* exported by 3.11 to 3.14: reallocates the object, in place where it can */
    return _PyBytes_Resize(obj, n);
#else
    PyObject *out = PyBytes_FromStringAndSize(NULL, n);
    if (out == NULL) {
        Py_CLEAR(*obj);
        return -1;
    }
    Py_ssize_t keep = PyBytes_GET_SIZE(*obj) < n ? PyBytes_GET_SIZE(*obj) : n;
    memcpy(PyBytes_AS_STRING(out), PyBytes_AS_STRING(*obj), (size_t)keep);
    Py_SETREF(*obj, out);
    return 0;
#endif
}

/* The module's slots that CPython versions before 3.12 and 3.13 do not know. */
#if PY_VERSION_HEX >= 0x030C0000
#define JSV_MOD_MULTIPLE_INTERPRETERS Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED
#endif
#if PY_VERSION_HEX >= 0x030D0000
#define JSV_MOD_GIL Py_MOD_GIL_NOT_USED
#endif

#if defined(_MSC_VER)
#define JSV_THREAD_LOCAL __declspec(thread)
#else
#define JSV_THREAD_LOCAL _Thread_local
#endif

#ifndef Py_BEGIN_CRITICAL_SECTION
#define Py_BEGIN_CRITICAL_SECTION(op) {
#define Py_END_CRITICAL_SECTION() }
#endif

#if defined(Py_GIL_DISABLED) && defined(JSV_HAVE_DICT_VERSION)
#error "the enum member cache relies on the GIL: no free-threaded build has dict versions"
#endif

#endif /* JSV_COMPAT_H */
