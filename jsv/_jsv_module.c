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
 *
 * The module is initialised in two phases (PEP 489, as CPython's _json): its Python
 * objects live in its state (JsvState, _jsv.h), filled by the Py_mod_exec slot and
 * released with the module, so that it can be imported again. Each function fetches the
 * state of its module once per call and hands it on (Parser.st, Encoder.st).
 */
#include "_jsv.h"

/* ------------------------------------------------------------------------------------ */
/* Errors                                                                               */

void
jsv_raise_decode_error(JsvState *st, PyObject *msg, PyObject *doc, Py_ssize_t pos)
{
    PyObject *exc = PyObject_CallFunction(st->DecodeError, "OOn", msg, doc, pos);
    if (exc != NULL) {
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
        Py_DECREF(exc);
    }
}

/* fmt.format(**{name1: v1, name2: v2}) (name2 may be NULL). */
PyObject *
jsv_format_message(JsvState *st, PyObject *fmt, PyObject *name1, PyObject *v1, PyObject *name2,
                   PyObject *v2)
{
    PyObject *method = PyObject_GetAttr(fmt, st->str_format);
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
jsv_type_name(JsvState *st, PyObject *obj)
{
    return PyObject_GetAttr((PyObject *)Py_TYPE(obj), st->str_name);
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
jsv_caches_enter(JsvState *st)
{
    PyObject *thread_dict = PyThreadState_GetDict();
    if (thread_dict == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "jsv._speedups: no thread state");
        return -1;
    }
    PyObject *capsule = PyDict_GetItemWithError(thread_dict, st->caches_key);
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
    int r = PyDict_SetItem(thread_dict, st->caches_key, capsule);
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

/* Read the objects of the module's state (0, or -1 with an exception). */
static int
state_init(JsvState *st)
{
    if (jsv_intern("camel", &st->str_camel) < 0 || jsv_intern("pascal", &st->str_pascal) < 0 ||
        jsv_intern("snake", &st->str_snake) < 0 || jsv_intern("", &st->str_empty) < 0 ||
        jsv_intern("\"", &st->str_quote) < 0 || jsv_intern("\"\"", &st->str_dquote) < 0 ||
        jsv_intern("format", &st->str_format) < 0 || jsv_intern("type", &st->str_type) < 0 ||
        jsv_intern("path", &st->str_path) < 0 || jsv_intern("reason", &st->str_reason) < 0 ||
        jsv_intern("__name__", &st->str_name) < 0 || jsv_intern("items", &st->str_items) < 0 ||
        jsv_intern("__dataclass_fields__", &st->str_dataclass_fields) < 0 ||
        jsv_intern("key", &st->str_key) < 0 || jsv_intern("rename", &st->str_rename) < 0 ||
        jsv_intern("indent", &st->str_indent) < 0 ||
        jsv_intern("default", &st->str_default) < 0 ||
        jsv_intern("__str__", &st->str_str_method) < 0 || jsv_intern(":", &st->str_colon) < 0 ||
        jsv_intern(": ", &st->str_colon_space) < 0 || jsv_intern("char", &st->str_char) < 0 ||
        jsv_intern("jsv._speedups.caches", &st->caches_key) < 0) {
        return -1;
    }

    PyObject *errors = PyImport_ImportModule("jsv._errors");
    if (errors == NULL) return -1;
    PyObject *max_depth = NULL;
    int failed =
        jsv_get_attr(errors, "DecodeError", &st->DecodeError) < 0 ||
        jsv_get_attr(errors, "EncodeError", &st->EncodeError) < 0 ||
        jsv_get_attr(errors, "MSG_UNTERMINATED_STRING", &st->MSG_UNTERMINATED_STRING) < 0 ||
        jsv_get_attr(errors, "MSG_UNTERMINATED_MAP", &st->MSG_UNTERMINATED_MAP) < 0 ||
        jsv_get_attr(errors, "MSG_UNTERMINATED_LIST", &st->MSG_UNTERMINATED_LIST) < 0 ||
        jsv_get_attr(errors, "MSG_EXPECTED_COLON", &st->MSG_EXPECTED_COLON) < 0 ||
        jsv_get_attr(errors, "MSG_EXPECTED_MAP_SEP", &st->MSG_EXPECTED_MAP_SEP) < 0 ||
        jsv_get_attr(errors, "MSG_EXPECTED_LIST_SEP", &st->MSG_EXPECTED_LIST_SEP) < 0 ||
        jsv_get_attr(errors, "MSG_EXTRA_DATA", &st->MSG_EXTRA_DATA) < 0 ||
        jsv_get_attr(errors, "MSG_TOO_DEEP", &st->MSG_TOO_DEEP) < 0 ||
        jsv_get_attr(errors, "MSG_INVALID_UTF8", &st->MSG_INVALID_UTF8) < 0 ||
        jsv_get_attr(errors, "MSG_BAD_INPUT_TYPE", &st->MSG_BAD_INPUT_TYPE) < 0 ||
        jsv_get_attr(errors, "MSG_UNSUPPORTED_KEY", &st->MSG_UNSUPPORTED_KEY) < 0 ||
        jsv_get_attr(errors, "MSG_SINGLE_NONE_LIST", &st->MSG_SINGLE_NONE_LIST) < 0 ||
        jsv_get_attr(errors, "MSG_CIRCULAR", &st->MSG_CIRCULAR) < 0 ||
        jsv_get_attr(errors, "MSG_ENCODE_TOO_DEEP", &st->MSG_ENCODE_TOO_DEEP) < 0 ||
        jsv_get_attr(errors, "MSG_LONE_SURROGATE", &st->MSG_LONE_SURROGATE) < 0 ||
        jsv_get_attr(errors, "unterminated", &st->py_unterminated) < 0 ||
        jsv_get_attr(errors, "MAX_DEPTH", &max_depth) < 0;
    Py_DECREF(errors);
    if (failed) {
        Py_XDECREF(max_depth);
        return -1;
    }
    st->MAX_DEPTH = PyLong_AsSsize_t(max_depth);
    Py_DECREF(max_depth);
    if (st->MAX_DEPTH == -1 && PyErr_Occurred()) return -1;

    PyObject *encode_module = PyImport_ImportModule("jsv._encode");
    if (encode_module == NULL) return -1;
    failed = jsv_get_attr(encode_module, "encode", &st->py_encode) < 0 ||
             jsv_get_attr(encode_module, "encode_bytes", &st->py_encode_bytes) < 0 ||
             jsv_get_attr(encode_module, "_scalar_token", &st->py_scalar_token) < 0 ||
             jsv_get_attr(encode_module, "_key_token", &st->py_key_token) < 0 ||
             jsv_get_attr(encode_module, "_field_reader", &st->py_field_reader) < 0 ||
             jsv_get_attr(encode_module, "_path", &st->py_path) < 0 ||
             jsv_get_attr(encode_module, "_resolve", &st->py_resolve) < 0 ||
             jsv_get_attr(encode_module, "ScalarError", &st->ScalarError) < 0;
    Py_DECREF(encode_module);
    if (failed) return -1;

    PyObject *naming = PyImport_ImportModule("jsv._naming");
    if (naming == NULL) return -1;
    failed = jsv_get_attr(naming, "rename_function", &st->py_rename_function) < 0;
    Py_DECREF(naming);
    if (failed) return -1;
    st->rename_camel = PyObject_CallOneArg(st->py_rename_function, st->str_camel);
    st->rename_pascal = PyObject_CallOneArg(st->py_rename_function, st->str_pascal);
    st->rename_snake = PyObject_CallOneArg(st->py_rename_function, st->str_snake);
    if (st->rename_camel == NULL || st->rename_pascal == NULL || st->rename_snake == NULL) {
        return -1;
    }

    PyObject *functools = PyImport_ImportModule("functools");
    if (functools == NULL) return -1;
    failed = jsv_get_attr(functools, "partial", &st->py_partial) < 0;
    Py_DECREF(functools);
    if (failed) return -1;
    PyObject *builtins = PyImport_ImportModule("builtins");
    if (builtins == NULL) return -1;
    failed = jsv_get_attr(builtins, "sorted", &st->py_sorted) < 0;
    Py_DECREF(builtins);
    if (failed) return -1;
    return jsv_typed_init(st) < 0 || jsv_classes_init(st) < 0 ? -1 : 0;
}

/* The Py_mod_exec slot: fill the new module's state. */
static int
speedups_exec(PyObject *module)
{
    if (state_init(jsv_state(module)) < 0) return -1;
    return jsv_typed_add_constants(module);
}

static int
speedups_traverse(PyObject *module, visitproc visit, void *arg)
{
    JsvState *st = jsv_state(module);
    if (st == NULL) return 0;
#define JSV_STATE_VISIT(name) Py_VISIT(st->name);
    JSV_STATE_OBJECTS(JSV_STATE_VISIT)
#undef JSV_STATE_VISIT
    return 0;
}

static int
speedups_clear(PyObject *module)
{
    JsvState *st = jsv_state(module);
    if (st == NULL) return 0;
#define JSV_STATE_CLEAR(name) Py_CLEAR(st->name);
    JSV_STATE_OBJECTS(JSV_STATE_CLEAR)
#undef JSV_STATE_CLEAR
    return 0;
}

static void
speedups_free(void *module)
{
    speedups_clear((PyObject *)module);
#ifndef Py_GIL_DISABLED
    /* the process's caches: emptied, to be filled again by the next module (a free-threaded
     * build's go with each thread) */
    jsv_caches_clear(&jsv_process_caches);
#endif
}

static PyModuleDef_Slot speedups_slots[] = {
    {Py_mod_exec, (void *)speedups_exec},
#ifdef JSV_MOD_MULTIPLE_INTERPRETERS
    /* the caches (_jsv.h) hold Python objects for the whole process */
    {Py_mod_multiple_interpreters, JSV_MOD_MULTIPLE_INTERPRETERS},
#endif
#ifdef JSV_MOD_GIL
    /* safe without the GIL on a free-threaded build: each thread has its own caches */
    {Py_mod_gil, JSV_MOD_GIL},
#endif
    {0, NULL},
};

static struct PyModuleDef speedups_module = {
    PyModuleDef_HEAD_INIT,
    "jsv._speedups",
    "The C accelerator of jsv: decode, decode_raw_keys, encode and encode_bytes, as in "
    "jsv._pure.",
    sizeof(JsvState),
    speedups_methods,
    speedups_slots,
    speedups_traverse,
    speedups_clear,
    speedups_free,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    return PyModuleDef_Init(&speedups_module);
}
