"""The declarations of include/aliyun_mqtt_sign.h in the form cffi's cdef
reads, derived from the header itself (so the bindings follow it): comments
and the C++-only parts removed, the C-only typedefs kept, the include guard
and includes dropped, every ``#define NAME <integer>`` kept as a constant.

Standalone (no import of the package): the build runs it before the package
exists, and the layout test runs it on the repository's header."""
import re

_DEFINE = re.compile(r"#define\s+(\w+)\s+(-?\d+)\s*$")


def cdef_from_header(text: str) -> str:
    """The cdef text for the header `text`. Raises ValueError on a
    preprocessor line it does not know, so that a new construct in the
    header fails the build rather than being dropped unseen."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    out = []
    skipping = False  # inside `#ifdef __cplusplus` ... `#endif`
    depth = 0  # open #if blocks other than the C++-only ones
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            if not skipping:
                out.append(line)
            continue
        directive = stripped.split()
        word = directive[0]
        if word == "#ifdef" and directive[1:] == ["__cplusplus"]:
            skipping = True
        elif word == "#ifndef" and directive[1:] == ["__cplusplus"]:
            depth += 1
        elif word == "#ifndef" and len(directive) == 2:  # the include guard
            depth += 1
        elif word == "#endif":
            if skipping:
                skipping = False
            elif depth > 0:
                depth -= 1
            else:
                raise ValueError("unbalanced #endif in the header")
        elif skipping:
            continue
        elif word == "#include":
            continue
        elif word == "#define" and len(directive) == 2:  # the include guard
            continue
        elif word == "#define":
            m = _DEFINE.match(stripped)
            if not m:
                raise ValueError(f"a #define cffi cannot read: {stripped}")
            out.append(stripped)
        else:
            raise ValueError(f"a preprocessor line the bindings do not know: {stripped}")
    if skipping or depth:
        raise ValueError("unterminated #if block in the header")
    return "\n".join(out) + "\n"
