/*
 * jsv/_jsv_classes.c: what the encoder knows of classes: the class table (enum or
 * dataclass, found once per class), the enum members' values, and the field values of
 * dataclasses.
 */
#include "_jsv.h"

/* ------------------------------------------------------------------------------------ */
/* Typed encoding: what the encoder needs to know of a class, found once per class.      */
/* The encoder asks of each value of no common type: is it an enum member with a str    */
/* value (written natively as quote(member.value), without _scalar_token()), or a       */
/* dataclass (opened with its field table)? The answers are kept per class in a small   */
/* table indexed by the class's address, with the class's version tag: CPython changes  */
/* the tag whenever the class or one of its bases is modified, so a stale answer is     */
/* never used. A class without a valid tag is looked at again each time.                */

/* getattr(instance, name) is instance.__dict__[name] whenever the dict has name: no
 * __getattribute__ of its own and no data descriptor on the class claims the name. */
static int
names_in_dict(PyTypeObject *type, PyObject *const *names, Py_ssize_t count)
{
    if (type->tp_dictoffset == 0 || type->tp_getattro != PyObject_GenericGetAttr) return 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        if (!PyUnicode_CheckExact(names[i])) return 0;
        PyObject *attr = jsv_type_lookup(type, names[i]); /* assigns the version tag */
        if (attr != NULL && Py_TYPE(attr)->tp_descr_set != NULL) return 0;
    }
    return 1;
}

ClassSlot *
jsv_class_slot_fill(JsvState *st, ClassSlot *set, PyTypeObject *type)
{
    /* jsv_type_lookup() assigns the version tag read at the end */
    int has_fields = jsv_type_lookup(type, st->str_dataclass_fields) != NULL;
    int kind = CLASS_UNKNOWN;
    if (PyType_Check(st->tv_enum_class) &&
        PyType_IsSubtype(type, (PyTypeObject *)st->tv_enum_class) &&
        !has_fields) {
        /* a dataclass enum is opened as a dataclass (the encoder's first check, made here
         * without the enum metaclass's __getattr__, a Python call) */
        kind = CLASS_ENUM;
    }
    else if (Py_TYPE(type)->tp_getattro == PyType_Type.tp_getattro) {
        /* hasattr(type, "__dataclass_fields__") without a call: the class or its
         * metaclass has the attribute */
        kind = has_fields || jsv_type_lookup(Py_TYPE(type), st->str_dataclass_fields) != NULL
                   ? CLASS_DATACLASS
                   : CLASS_OTHER;
    }
    int container_base =
        PyType_FastSubclass(type, Py_TPFLAGS_DICT_SUBCLASS | Py_TPFLAGS_LIST_SUBCLASS |
                                      Py_TPFLAGS_TUPLE_SUBCLASS) ||
        PyType_IsSubtype(type, &PySet_Type) || PyType_IsSubtype(type, &PyFrozenSet_Type);
    int value_in_dict = kind == CLASS_ENUM && names_in_dict(type, &st->tv_str_value_, 1);
    /* A stale slot of this class is filled again in place; otherwise the new class takes
     * the first way, what was there moves to the second, and the second's class leaves. */
    ClassSlot *slot, held;
    if (set[1].type == type) {
        slot = &set[1];
        held = set[1];
    }
    else {
        slot = &set[0];
        held = set[1];
        if (set[0].type == type) held = set[0];
        else set[1] = set[0];
    }
    memset(slot, 0, sizeof(*slot));
    slot->container_base = container_base;
    slot->value_in_dict = value_in_dict;
    slot->fields_in_dict = 0;
    slot->kind = kind;
    slot->type = type; /* borrowed: see ClassSlot */
    slot->tag = jsv_type_version(type);
    class_slot_release(&held);
    /* the release may have run code that filled this set again */
    if (class_slot_holds(&set[0], type)) return &set[0];
    if (class_slot_holds(&set[1], type)) return &set[1];
    return slot->type == type ? slot : jsv_class_slot_fill(st, set, type);
}

#ifdef JSV_HAVE_DICT_VERSION
/* The _value_ of the enum members written last, by the member's address: valid while the
 * member's __dict__ is the same dict at the same version (CPython 3.11 gives every dict a
 * new version tag on each change; later versions deprecate it, and look the value up). */
#define TV_MEMBER_BITS 7 /* sets of two slots, as the class table */

typedef struct {
    /* The member and its __dict__, borrowed (the table must not keep an enum alive): only
     * compared with the live member and its live __dict__, never dereferenced. The dict's
     * version, unique to a dict as it is now, tells a stale slot. */
    PyObject *member;
    PyObject *dict;
    PyObject *value; /* its _value_, a str: a strong reference, or NULL */
    uint64_t version;
} MemberSlot;

/* (a cache of the process, as the class table is: see Caches in _jsv.h) */
static MemberSlot tv_member_slots[1 << TV_MEMBER_BITS][2];

/* Whether slot holds member, whose __dict__ is dict, as it is now. */
ALWAYS_INLINE int
member_slot_holds(const MemberSlot *slot, PyObject *member, PyObject *dict)
{
    return slot->member == member && slot->dict == dict &&
           jsv_dict_version(dict) == slot->version;
}
#endif

/* member.__dict__["_value_"] (a new reference), or NULL: not there (no exception set) or
 * an error. */
static PyObject *
tv_member_value(JsvState *st, PyObject *member)
{
#ifdef JSV_HAVE_DICT_VERSION
    PyObject **dict_ptr = jsv_object_dict_ptr(member);
    if (dict_ptr == NULL || *dict_ptr == NULL || !PyDict_CheckExact(*dict_ptr)) return NULL;
    PyObject *dict = *dict_ptr;
    MemberSlot *set = tv_member_slots[TV_SET_OF(member, TV_MEMBER_BITS)];
    for (int way = 0; way < 2; way++) {
        if (member_slot_holds(&set[way], member, dict)) {
            Py_INCREF(set[way].value);
            return set[way].value;
        }
    }
    PyObject *value = PyDict_GetItemWithError(dict, st->tv_str_value_);
    if (value == NULL) return NULL;
    Py_INCREF(value); /* the caller's */
    if (!PyUnicode_CheckExact(value)) return value; /* only a str is kept: it holds nothing */
    /* the member takes the first way (its own stale slot, if it has one, is dropped), the
     * first way's moves to the second; what leaves is released last (that can run code) */
    MemberSlot held;
    if (set[0].member == member) {
        held = set[0];
    }
    else {
        held = set[1];
        set[1] = set[0];
    }
    Py_INCREF(value);
    set[0].member = member;
    set[0].dict = dict;
    set[0].value = value;
    set[0].version = jsv_dict_version(dict);
    Py_XDECREF(held.value);
    return value;
#else
    PyObject *dict = PyObject_GenericGetDict(member, NULL);
    if (dict == NULL) return NULL;
    PyObject *value = NULL;
    if (PyDict_CheckExact(dict)) {
        value = PyDict_GetItemWithError(dict, st->tv_str_value_);
        Py_XINCREF(value);
    }
    Py_DECREF(dict);
    return value;
#endif
}

/* Write value if it is an enum member whose value is a str: 1 (written), 0 (not one), -1. */
int
jsv_write_str_enum(JsvState *st, Writer *w, PyObject *value)
{
    ClassSlot *slot = jsv_class_slot(st, Py_TYPE(value));
    if (slot == NULL) return -1;
    if (slot->kind != CLASS_ENUM) return 0;
    PyObject *member_value = NULL;
    if (slot->value_in_dict) {
        member_value = tv_member_value(st, value);
        if (member_value == NULL && PyErr_Occurred()) return -1;
    }
    if (member_value == NULL) {
        member_value = PyObject_GetAttr(value, st->tv_str_value_);
        if (member_value == NULL) {
            PyErr_Clear(); /* not a regular member: _scalar_token() decides */
            return 0;
        }
    }
    int r = 0;
    if (PyUnicode_CheckExact(member_value)) r = jsv_write_string(w, member_value) < 0 ? -1 : 1;
    Py_DECREF(member_value);
    return r;
}

/* ------------------------------------------------------------------------------------ */
/* Typed encoding: the field values of dataclasses.                                     */
/* _field_reader(type(value), rename, colon) (itself an lru_cache) gives the written     */
/* keys, the function reading the values and the attribute names; the class's slot      */
/* keeps them for the options last used, which skips the call for every instance after  */
/* the first of its class. The table is the real type's, as everywhere in the encoder:  */
/* an instance's __class__ attribute is never asked. For a class whose fields getattr() */
/* finds in the instance __dict__ (see names_in_dict()), the values come straight from  */
/* that dict.                                                                           */

/* Push the values of the fields of value, read from its __dict__ by names (a tuple of
 * str): getattr() for a name the dict lacks (a class attribute, __getattr__, an error).
 * No Python code runs between the reads but getattr()'s, as for operator.attrgetter(). */
static int
tv_read_dict(PyObject *value, PyObject *names, ValueStack *values)
{
    Py_ssize_t size = PyTuple_GET_SIZE(names);
    if (vs_reserve(values, size) < 0) return -1;
    PyObject *dict = PyObject_GenericGetDict(value, NULL);
    if (dict == NULL) return -1;
    Py_ssize_t base = values->top;
    /* __init__ sets the fields in order: the dict's own order usually finds each name
     * without a lookup */
    int in_order = PyDict_CheckExact(dict);
    Py_ssize_t pos = 0;
    for (Py_ssize_t i = 0; i < size; i++) {
        PyObject *name = PyTuple_GET_ITEM(names, i);
        PyObject *k, *v = NULL;
        if (in_order && !(PyDict_Next(dict, &pos, &k, &v) && k == name)) in_order = 0;
        if (!in_order) v = PyDict_Check(dict) ? PyDict_GetItemWithError(dict, name) : NULL;
        if (v != NULL) {
            Py_INCREF(v);
        }
        else {
            if (PyErr_Occurred()) goto fail;
            v = PyObject_GetAttr(value, name);
            if (v == NULL) goto fail;
        }
        values->items[values->top++] = v;
    }
    Py_DECREF(dict);
    return 0;
fail:
    vs_drop(values, base);
    Py_DECREF(dict);
    return -1;
}

/* _field_reader()'s result for cls, checked: a new reference, or NULL. */
static PyObject *
tv_call_field_reader(JsvState *st, PyObject *cls, PyObject *rename_fn, PyObject *colon)
{
    PyObject *reader = PyObject_CallFunctionObjArgs(st->py_field_reader, cls, rename_fn, colon,
                                                    NULL);
    if (reader == NULL) return NULL;
    if (!PyTuple_CheckExact(reader) || PyTuple_GET_SIZE(reader) != 6 ||
        !PyTuple_CheckExact(PyTuple_GET_ITEM(reader, 0)) ||
        !PyTuple_CheckExact(PyTuple_GET_ITEM(reader, 2)) ||
        !(PyTuple_GET_ITEM(reader, 3) == Py_None ||
          (PyTuple_CheckExact(PyTuple_GET_ITEM(reader, 3)) &&
           PyTuple_GET_SIZE(PyTuple_GET_ITEM(reader, 3)) ==
               PyTuple_GET_SIZE(PyTuple_GET_ITEM(reader, 0)))) ||
        !PyUnicode_CheckExact(PyTuple_GET_ITEM(reader, 4))) {
        PyErr_SetString(PyExc_TypeError,
                        "_field_reader must return (keys, reader, names, hints, hint, "
                        "hints_by_key)");
        Py_DECREF(reader);
        return NULL;
    }
    return reader;
}

/* Push the field values of dataclass instance value on values, and set *keys to the
 * written keys, each followed by colon, *hints to the fields' hint specs (NULL when no
 * field has one) and, if hint is not NULL, *hint to the class's __type entry (new
 * references). Returns the number of values pushed, or -1 (nothing pushed). */
Py_ssize_t
jsv_field_values(JsvState *st, PyObject *value, PyObject *rename_fn, PyObject *colon,
                 PyObject **keys,
                PyObject **hints, PyObject **hint, ValueStack *values)
{
    *keys = NULL;
    *hints = NULL;
    if (hint != NULL) *hint = NULL;
    PyTypeObject *type = Py_TYPE(value);
    ClassSlot *slot = jsv_class_slot(st, type);
    if (slot == NULL) return -1;
    PyObject *reader;
    int direct = 0;
    if (slot->reader == NULL || slot->rename_fn != rename_fn || slot->colon != colon) {
        reader = tv_call_field_reader(st, (PyObject *)type, rename_fn, colon);
        if (reader == NULL) return -1;
        /* the call may have run code that filled the slot for another class */
        slot = jsv_class_slot(st, type);
        if (slot == NULL) {
            Py_DECREF(reader);
            return -1;
        }
        PyObject *names = PyTuple_GET_ITEM(reader, 2);
        direct = PyTuple_GET_SIZE(names) > 0 &&
                 names_in_dict(type, &PyTuple_GET_ITEM(names, 0), PyTuple_GET_SIZE(names));
        /* what the slot held is released last (releasing can run code) */
        PyObject *held[3] = {slot->rename_fn, slot->colon, slot->reader};
        slot->fields_in_dict = direct;
        Py_INCREF(rename_fn);
        slot->rename_fn = rename_fn;
        Py_INCREF(colon);
        slot->colon = colon;
        Py_INCREF(reader);
        slot->reader = reader;
        for (int i = 0; i < 3; i++) Py_XDECREF(held[i]);
    }
    else {
        reader = slot->reader;
        Py_INCREF(reader);
        direct = slot->fields_in_dict;
    }
    Py_ssize_t base = values->top;
    if (direct) {
        if (tv_read_dict(value, PyTuple_GET_ITEM(reader, 2), values) < 0) goto fail;
    }
    else {
        PyObject *read = PyObject_CallOneArg(PyTuple_GET_ITEM(reader, 1), value);
        if (read != NULL && !PyTuple_CheckExact(read)) Py_SETREF(read, PySequence_Tuple(read));
        if (read == NULL) goto fail;
        Py_ssize_t size = PyTuple_GET_SIZE(read);
        if (vs_reserve(values, size) < 0) {
            Py_DECREF(read);
            goto fail;
        }
        for (Py_ssize_t i = 0; i < size; i++) {
            PyObject *v = PyTuple_GET_ITEM(read, i);
            Py_INCREF(v);
            values->items[values->top++] = v;
        }
        Py_DECREF(read);
    }
    *keys = PyTuple_GET_ITEM(reader, 0);
    Py_INCREF(*keys);
    if (PyTuple_GET_ITEM(reader, 3) != Py_None) {
        *hints = PyTuple_GET_ITEM(reader, 3);
        Py_INCREF(*hints);
    }
    if (hint != NULL) {
        *hint = PyTuple_GET_ITEM(reader, 4);
        Py_INCREF(*hint);
    }
    Py_DECREF(reader);
    return values->top - base;
fail:
    Py_DECREF(reader);
    return -1;
}

/* ------------------------------------------------------------------------------------ */
/* The constants of this file, made when the module is initialised. 0, or -1.           */

int
jsv_classes_init(JsvState *st)
{
    if (jsv_intern("_value_", &st->tv_str_value_) < 0) return -1;
    PyObject *module = PyImport_ImportModule("enum");
    if (module == NULL) return -1;
    int failed = jsv_get_attr(module, "Enum", &st->tv_enum_class) < 0;
    Py_DECREF(module);
    return failed ? -1 : 0;
}
