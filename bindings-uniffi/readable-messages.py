"""Makes the message of an AuthzError readable in the generated Kotlin and Python.

uniffi 0.32 renders a non-flat error's message as a dump of its fields (`code=..., message=...`).
- Kotlin: every variant gets an `override val message` dump, and a field named `message` then
  clashes with it (the file does not compile). Each variant's `message` field becomes the override.
- Python: `str(error)` is the dump; it becomes the message (`error.code` and `error.message`
  stay attributes).
It fails, rather than half-edit, when the generated shape is not the one it knows (a uniffi
upgrade then needs a look here).

Usage: python3 readable-messages.py kotlin FILE.kt | python FILE.py
"""

import re
import sys

KOTLIN_FIELD = "val `message`: kotlin.String\n"
KOTLIN_DUMP = re.compile(
    r'\n        override val message\n            get\(\) = "code=\$\{ `code` \}, message=\$\{ `message` \}"'
)
PYTHON_CLASS = "\nclass AuthzError(Exception):"
PYTHON_PATCH = """
# Appended by bindings-uniffi/readable-messages.py: str(error) is the message, not a field dump.
AuthzError.__str__ = lambda self: self.message  # type: ignore
"""


def kotlin(text):
    fields, dumps = text.count(KOTLIN_FIELD), len(KOTLIN_DUMP.findall(text))
    if fields == 0 or fields != dumps:
        raise ValueError(f"expected one `message` field per dumping override, found {fields} and {dumps}")
    return KOTLIN_DUMP.sub("", text.replace(KOTLIN_FIELD, "override val `message`: kotlin.String\n"))


def python(text):
    if text.count(PYTHON_CLASS) != 1 or "self.message = message" not in text:
        raise ValueError("expected one `AuthzError` class whose variants set `self.message`")
    return text + PYTHON_PATCH


def main():
    language, path = sys.argv[1], sys.argv[2]
    text = open(path, encoding="utf-8").read()
    try:
        text = {"kotlin": kotlin, "python": python}[language](text)
    except (KeyError, ValueError) as e:
        sys.exit(f"{path}: {e}")
    open(path, "w", encoding="utf-8").write(text)


if __name__ == "__main__":
    main()
