/*
 * jsv/_jsv_module.c: the module jsv._speedups, the C twin of the pure-Python kernel
 * (jsv/_decode.py, jsv/_encode.py): its state, method table and initialisation, the
 * caches that decoding and encoding fill, argument parsing and the error helpers.
 *
 * decode(data, trim), decode_raw_keys(data, trim, map_key) and
 * encode(obj, rename, indent, default, keep_none) behave exactly like the functions of
 * jsv._pure: same values, same exception classes, messages and positions. The message
 * texts and MAX_DEPTH are read from jsv._errors when the module is initialised; the rare
 * encoder cases (enums, dates, decimals, dataclass field tables, error paths, ...) call the
 * Python helpers of jsv._encode, so that their output cannot drift apart.
 *
 * Both the decoder and the encoder are iterative, with an explicit stack bounded by
 * MAX_DEPTH, so no input can make them recurse. See _jsv.h for the other files.
 */
#include "_jsv.h"

/* ------------------------------------------------------------------------------------ */
/* Module state (single-phase init; the module holds strong references to these).       */

PyObject *DecodeError;
PyObject *EncodeError;
PyObject *ScalarError;
Py_ssize_t MAX_DEPTH;

PyObject *MSG_UNTERMINATED_STRING;
PyObject *MSG_UNTERMINATED_MAP;
PyObject *MSG_UNTERMINATED_LIST;
PyObject *MSG_EXPECTED_COLON;
PyObject *MSG_EXPECTED_MAP_SEP;
PyObject *MSG_EXPECTED_LIST_SEP;
PyObject *MSG_EXTRA_DATA;
PyObject *MSG_TOO_DEEP;
PyObject *MSG_INVALID_UTF8;
PyObject *MSG_BAD_INPUT_TYPE;
PyObject *MSG_UNSUPPORTED_KEY;
PyObject *MSG_SINGLE_NONE_LIST;
PyObject *MSG_CIRCULAR;
PyObject *MSG_ENCODE_TOO_DEEP;
PyObject *MSG_LONE_SURROGATE;
PyObject *py_unterminated;  /* jsv._errors.unterminated */

PyObject *py_encode;        /* jsv._encode.encode */
PyObject *py_encode_bytes;  /* jsv._encode.encode_bytes */
PyObject *py_scalar_token;  /* jsv._encode._scalar_token */
PyObject *py_key_token;     /* jsv._encode._key_token */
PyObject *py_field_reader;  /* jsv._encode._field_reader */
PyObject *py_path;          /* jsv._encode._path */
PyObject *py_resolve;       /* jsv._encode._resolve */
PyObject *py_rename_function; /* jsv._naming.rename_function */
PyObject *py_partial;       /* functools.partial */
PyObject *py_sorted;        /* builtins.sorted */
PyObject *rename_camel, *rename_pascal, *rename_snake; /* the policy functions */

PyObject *str_camel, *str_pascal, *str_snake, *str_colon, *str_colon_space;
PyObject *str_char;
PyObject *str_empty, *str_quote, *str_dquote, *str_format, *str_type, *str_path,
    *str_reason, *str_name, *str_items, *str_dataclass_fields, *str_key,
    *str_rename, *str_indent, *str_default, *str_str_method;

/* ------------------------------------------------------------------------------------ */
/* Errors                                                                               */

void
jsv_raise_decode_error(PyObject *msg, PyObject *doc, Py_ssize_t pos)
{
    PyObject *exc = PyObject_CallFunction(DecodeError, "OOn", msg, doc, pos);
    if (exc != NULL) {
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
        Py_DECREF(exc);
    }
}

/* fmt.format(**{name1: v1, name2: v2}) (name2 may be NULL). */
PyObject *
jsv_format_message(PyObject *fmt, PyObject *name1, PyObject *v1, PyObject *name2, PyObject *v2)
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

PyObject *
jsv_type_name(PyObject *obj)
{
    return PyObject_GetAttr((PyObject *)Py_TYPE(obj), str_name);
}

/* ------------------------------------------------------------------------------------ */
/* The caches                                                                           */

/* Release what the caches hold. Each entry is emptied before its objects are released
 * (which can run code, and so decode or encode and fill entries again). */
void
jsv_caches_clear(Caches *caches)
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
JSV_THREAD_LOCAL Caches *jsv_current_caches;

static void
caches_release(PyObject *capsule)
{
    Caches *caches = PyCapsule_GetPointer(capsule, "jsv._speedups.caches");
    if (caches == NULL) return;
    if (jsv_current_caches == caches) jsv_current_caches = NULL;
    jsv_caches_clear(caches);
    PyMem_RawFree(caches);
}

int
jsv_caches_enter(void)
{
    PyObject *thread_dict = PyThreadState_GetDict();
    if (thread_dict == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "jsv._speedups: no thread state");
        return -1;
    }
    PyObject *capsule = PyDict_GetItemWithError(thread_dict, caches_key);
    if (capsule != NULL) {
        jsv_current_caches = PyCapsule_GetPointer(capsule, "jsv._speedups.caches");
        return jsv_current_caches == NULL ? -1 : 0;
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
    jsv_current_caches = caches;
    return 0;
}
#else
Caches jsv_process_caches;
#endif

/* ------------------------------------------------------------------------------------ */
/* Argument parsing for METH_FASTCALL | METH_KEYWORDS                                    */

/* Fill out[0..nparams) from positional args and keywords; missing stay NULL.
 * Returns -1 (with TypeError) on bad arguments. */
int
jsv_unpack_args(const char *fname, const char *const *names, Py_ssize_t nparams,
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

/* ------------------------------------------------------------------------------------ */
/* Module                                                                               */

/* Module attributes read at initialisation. */
int
jsv_get_attr(PyObject *module, const char *name, PyObject **out)
{
    *out = PyObject_GetAttrString(module, name);
    return *out == NULL ? -1 : 0;
}

int
jsv_intern(const char *text, PyObject **out)
{
    *out = PyUnicode_InternFromString(text);
    return *out == NULL ? -1 : 0;
}

static PyMethodDef speedups_methods[] = {
    {"decode", (PyCFunction)(void (*)(void))jsv_decode, METH_FASTCALL | METH_KEYWORDS,
     jsv_decode_doc},
    {"decode_raw_keys", (PyCFunction)(void (*)(void))jsv_decode_raw_keys,
     METH_FASTCALL | METH_KEYWORDS, jsv_decode_raw_keys_doc},
    {"encode", (PyCFunction)(void (*)(void))jsv_encode, METH_FASTCALL | METH_KEYWORDS,
     jsv_encode_doc},
    {"encode_bytes", (PyCFunction)(void (*)(void))jsv_encode_bytes,
     METH_FASTCALL | METH_KEYWORDS, jsv_encode_bytes_doc},
    {"_set_simd", (PyCFunction)jsv_set_simd, METH_O, jsv_set_simd_doc},
    {"decode_typed", (PyCFunction)(void (*)(void))jsv_decode_typed,
     METH_FASTCALL | METH_KEYWORDS, jsv_decode_typed_doc},
    {NULL, NULL, 0, NULL},
};

static void
speedups_free(void *module)
{
    (void)module;
#ifndef Py_GIL_DISABLED
    jsv_caches_clear(&jsv_process_caches);
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
    if (jsv_intern("camel", &str_camel) < 0 || jsv_intern("pascal", &str_pascal) < 0 ||
        jsv_intern("snake", &str_snake) < 0 || jsv_intern("", &str_empty) < 0 ||
        jsv_intern("\"", &str_quote) < 0 || jsv_intern("\"\"", &str_dquote) < 0 ||
        jsv_intern("format", &str_format) < 0 || jsv_intern("type", &str_type) < 0 ||
        jsv_intern("path", &str_path) < 0 || jsv_intern("reason", &str_reason) < 0 ||
        jsv_intern("__name__", &str_name) < 0 || jsv_intern("items", &str_items) < 0 ||
        jsv_intern("__dataclass_fields__", &str_dataclass_fields) < 0 ||
        jsv_intern("key", &str_key) < 0 || jsv_intern("rename", &str_rename) < 0 ||
        jsv_intern("indent", &str_indent) < 0 || jsv_intern("default", &str_default) < 0 ||
        jsv_intern("__str__", &str_str_method) < 0 || jsv_intern(":", &str_colon) < 0 ||
        jsv_intern(": ", &str_colon_space) < 0 || jsv_intern("char", &str_char) < 0) {
        return NULL;
    }

    PyObject *errors = PyImport_ImportModule("jsv._errors");
    if (errors == NULL) return NULL;
    PyObject *max_depth = NULL;
    int failed =
        jsv_get_attr(errors, "DecodeError", &DecodeError) < 0 ||
        jsv_get_attr(errors, "EncodeError", &EncodeError) < 0 ||
        jsv_get_attr(errors, "MSG_UNTERMINATED_STRING", &MSG_UNTERMINATED_STRING) < 0 ||
        jsv_get_attr(errors, "MSG_UNTERMINATED_MAP", &MSG_UNTERMINATED_MAP) < 0 ||
        jsv_get_attr(errors, "MSG_UNTERMINATED_LIST", &MSG_UNTERMINATED_LIST) < 0 ||
        jsv_get_attr(errors, "MSG_EXPECTED_COLON", &MSG_EXPECTED_COLON) < 0 ||
        jsv_get_attr(errors, "MSG_EXPECTED_MAP_SEP", &MSG_EXPECTED_MAP_SEP) < 0 ||
        jsv_get_attr(errors, "MSG_EXPECTED_LIST_SEP", &MSG_EXPECTED_LIST_SEP) < 0 ||
        jsv_get_attr(errors, "MSG_EXTRA_DATA", &MSG_EXTRA_DATA) < 0 ||
        jsv_get_attr(errors, "MSG_TOO_DEEP", &MSG_TOO_DEEP) < 0 ||
        jsv_get_attr(errors, "MSG_INVALID_UTF8", &MSG_INVALID_UTF8) < 0 ||
        jsv_get_attr(errors, "MSG_BAD_INPUT_TYPE", &MSG_BAD_INPUT_TYPE) < 0 ||
        jsv_get_attr(errors, "MSG_UNSUPPORTED_KEY", &MSG_UNSUPPORTED_KEY) < 0 ||
        jsv_get_attr(errors, "MSG_SINGLE_NONE_LIST", &MSG_SINGLE_NONE_LIST) < 0 ||
        jsv_get_attr(errors, "MSG_CIRCULAR", &MSG_CIRCULAR) < 0 ||
        jsv_get_attr(errors, "MSG_ENCODE_TOO_DEEP", &MSG_ENCODE_TOO_DEEP) < 0 ||
        jsv_get_attr(errors, "MSG_LONE_SURROGATE", &MSG_LONE_SURROGATE) < 0 ||
        jsv_get_attr(errors, "unterminated", &py_unterminated) < 0 ||
        jsv_get_attr(errors, "MAX_DEPTH", &max_depth) < 0;
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
    failed = jsv_get_attr(encode_module, "encode", &py_encode) < 0 ||
             jsv_get_attr(encode_module, "encode_bytes", &py_encode_bytes) < 0 ||
             jsv_get_attr(encode_module, "_scalar_token", &py_scalar_token) < 0 ||
             jsv_get_attr(encode_module, "_key_token", &py_key_token) < 0 ||
             jsv_get_attr(encode_module, "_field_reader", &py_field_reader) < 0 ||
             jsv_get_attr(encode_module, "_path", &py_path) < 0 ||
             jsv_get_attr(encode_module, "_resolve", &py_resolve) < 0 ||
             jsv_get_attr(encode_module, "ScalarError", &ScalarError) < 0;
    Py_DECREF(encode_module);
    if (failed) return NULL;

    PyObject *naming = PyImport_ImportModule("jsv._naming");
    if (naming == NULL) return NULL;
    failed = jsv_get_attr(naming, "rename_function", &py_rename_function) < 0;
    Py_DECREF(naming);
    if (failed) return NULL;
    rename_camel = PyObject_CallOneArg(py_rename_function, str_camel);
    rename_pascal = PyObject_CallOneArg(py_rename_function, str_pascal);
    rename_snake = PyObject_CallOneArg(py_rename_function, str_snake);
    if (rename_camel == NULL || rename_pascal == NULL || rename_snake == NULL) return NULL;

    PyObject *functools = PyImport_ImportModule("functools");
    if (functools == NULL) return NULL;
    failed = jsv_get_attr(functools, "partial", &py_partial) < 0;
    Py_DECREF(functools);
    if (failed) return NULL;
    PyObject *builtins = PyImport_ImportModule("builtins");
    if (builtins == NULL) return NULL;
    failed = jsv_get_attr(builtins, "sorted", &py_sorted) < 0;
    Py_DECREF(builtins);
    if (failed) return NULL;
    if (jsv_encode_init() < 0 || jsv_typed_init() < 0 || jsv_classes_init() < 0) return NULL;
#ifdef Py_GIL_DISABLED
    if (jsv_intern("jsv._speedups.caches", &caches_key) < 0) return NULL;
#endif

    PyObject *module = PyModule_Create(&speedups_module);
    if (module != NULL && jsv_module_gil_not_used(module) < 0) Py_CLEAR(module);
    return module;
}
