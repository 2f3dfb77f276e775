"""Validates an XML document (argument 2) against an XSD (argument 1).

Exit 0 when valid; 1 with the reason on stderr when not; 3 when the
`xmlschema` package is not installed.
"""
import sys

try:
    import xmlschema
except ImportError:
    sys.stderr.write("the Python package xmlschema is not installed\n")
    sys.exit(3)

schema = xmlschema.XMLSchema10(sys.argv[1])
try:
    schema.validate(sys.argv[2])
except Exception as e:  # noqa: BLE001 - any failure is a validation failure
    sys.stderr.write(f"{e}\n")
    sys.exit(1)
