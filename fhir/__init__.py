"""Upright's read-only FHIR R4 API (the `fhir` Django app).

The `fhir.resources` validation library installs into a `fhir` namespace package too; extending
this package's path lets `import fhir.resources` find it beside this app.
"""

from pkgutil import extend_path

__path__ = extend_path(__path__, __name__)
