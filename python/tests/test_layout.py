"""The bindings against the header, as a C compiler reads it: every struct's
size and alignment and every field's offset and size, every constant and
every enumerator the installed package uses equal what gcc computes for
include/aliyun_mqtt_sign.h; the header the package was built from is the
repository's; and a header line the generator does not know fails the
build instead of being dropped."""
import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest

import aliyun_mqtt_sign as ams
from aliyun_mqtt_sign import ffi

REPO_HEADER = Path(__file__).resolve().parents[2] / "include" / "aliyun_mqtt_sign.h"
PACKAGE = Path(ams.__file__).parent
STRUCTS = ["struct " + name for name in ffi.list_types()[1]]


def _gcc_values(tmp_path):
    """name -> value printed by a C program compiled against the header."""
    lines = []
    for name in STRUCTS:
        t = ffi.typeof(name)
        lines.append(f'P("sizeof {name}", sizeof({name}));')
        lines.append(f'P("alignof {name}", _Alignof({name}));')
        for field, _ in t.fields:
            lines.append(f'P("offsetof {name}.{field}", offsetof({name}, {field}));')
            lines.append(f'P("sizeof {name}.{field}", sizeof((({name} *)0)->{field}));')
    for name in dir(ffi.dlopen(ams.LIBRARY_PATH)):
        if name.startswith("ALIYUN_MQTT_"):
            lines.append(f'P("{name}", (long long)({name}));')
    src = tmp_path / "layout.c"
    src.write_text(
        "#include <stdio.h>\n#include <stddef.h>\n#include \"aliyun_mqtt_sign.h\"\n"
        "#define P(n, v) printf(\"%s=%lld\\n\", n, (long long)(v))\n"
        "int main(void) {\n" + "\n".join(lines) + "\nreturn 0;\n}\n")
    exe = tmp_path / "layout"
    subprocess.run(["gcc", "-std=c11", "-Wall", "-Werror", "-I", str(REPO_HEADER.parent),
                    str(src), "-o", str(exe)], check=True)
    out = subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout
    return dict(line.rsplit("=", 1) for line in out.splitlines()), len(lines)


@pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is not installed")
def test_every_layout_constant_and_enumerator_matches_gcc(tmp_path):
    values, count = _gcc_values(tmp_path)
    assert len(values) == count > 300
    lib = ffi.dlopen(ams.LIBRARY_PATH)
    ours = {}
    for name in STRUCTS:
        ours[f"sizeof {name}"] = ffi.sizeof(name)
        ours[f"alignof {name}"] = ffi.alignof(name)
        for field, f in ffi.typeof(name).fields:
            ours[f"offsetof {name}.{field}"] = f.offset
            ours[f"sizeof {name}.{field}"] = ffi.sizeof(f.type)
    for name in dir(lib):
        if name.startswith("ALIYUN_MQTT_"):
            ours[name] = getattr(lib, name)
    assert {k: int(v) for k, v in values.items()} == ours


def test_the_package_enums_are_the_headers():
    lib = ffi.dlopen(ams.LIBRARY_PATH)
    for enum, prefix in ((ams.Status, "ALIYUN_MQTT_"), (ams.Verdict, "ALIYUN_MQTT_VERDICT_"),
                         (ams.RootId, "ALIYUN_MQTT_ROOT_"), (ams.Topic, "ALIYUN_MQTT_TOPIC_"),
                         (ams.EndpointKind, "ALIYUN_MQTT_ENDPOINT_"),
                         (ams.Field, "ALIYUN_MQTT_FIELD_")):
        assert {m.name: m.value for m in enum} == {
            n[len(prefix):]: getattr(lib, n) for n in dir(lib)
            if n.startswith(prefix) and n[len(prefix):] in enum.__members__}
        assert len(enum) > 3
    assert len(ams.Status) == lib.ALIYUN_MQTT_ERR_INVALID_DIGEST + 1
    assert ams.SignMethod.HMACSHA1.code == lib.ALIYUN_MQTT_HMAC_SHA1
    assert ams.AuthType.CONNWL.code == lib.ALIYUN_MQTT_AUTH_CONNWL
    assert int(ams.SecureMode.TLS_INSTANCE) == lib.ALIYUN_MQTT_SECURE_TLS_INSTANCE == -2


def test_the_package_was_built_from_this_header():
    assert (PACKAGE / "aliyun_mqtt_sign.h").read_text() == REPO_HEADER.read_text()


def _cdef():
    path = Path(__file__).resolve().parents[1] / "aliyun_mqtt_sign" / "_cdef.py"
    spec = importlib.util.spec_from_file_location("_cdef", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.cdef_from_header


@pytest.mark.parametrize("line", ["#define ALIYUN_MQTT_X (1u << 3)", "#if 1", "#pragma pack(1)",
                                  "#define ALIYUN_MQTT_Y ALIYUN_MQTT_X"])
def test_an_unknown_header_line_fails_the_build(line):
    text = REPO_HEADER.read_text().replace("#include <stdint.h>", "#include <stdint.h>\n" + line)
    with pytest.raises(ValueError):
        _cdef()(text)


def test_the_header_parses_to_every_function():
    import cffi
    f = cffi.FFI()
    f.cdef(_cdef()(REPO_HEADER.read_text()))
    assert len(f.list_types()[1]) == len(STRUCTS) > 15
    declared = REPO_HEADER.read_text().count("\naliyun_mqtt_status aliyun_mqtt_")
    lib = f.dlopen(ams.LIBRARY_PATH)
    funcs = [n for n in dir(lib) if n.startswith("aliyun_mqtt_")]
    assert len(funcs) > declared > 50


def _plain(ctype) -> str:
    """The C name of a type, `struct T` written `T` (the header's typedef
    of it: one type, spelt two ways)."""
    return ctype.cname.replace("struct ", "")


def test_the_built_bindings_are_the_headers_declarations():
    """The build's cffi declarations (cbindgen's, from the crate) and the
    header's, parsed by _cdef: the same functions with the same C types,
    constants and enumerators with the same values, the same typedefs,
    structs and fields, so a declaration cannot differ from the header."""
    import cffi
    f = cffi.FFI()
    f.cdef(_cdef()(REPO_HEADER.read_text()))
    header_lib, built_lib = f.dlopen(ams.LIBRARY_PATH), ffi.dlopen(ams.LIBRARY_PATH)
    names = sorted(dir(header_lib))
    assert sorted(dir(built_lib)) == names and len(names) > 200
    for name in names:
        want, got = getattr(header_lib, name), getattr(built_lib, name)
        if isinstance(want, int):
            assert got == want, name
        else:
            assert _plain(ffi.typeof(got)) == _plain(f.typeof(want)), name
    assert ffi.list_types() == f.list_types()
    for name in STRUCTS:
        assert [(n, _plain(t.type), t.offset) for n, t in ffi.typeof(name).fields] == \
            [(n, _plain(t.type), t.offset) for n, t in f.typeof(name).fields], name
