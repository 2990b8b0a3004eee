"""What the CloudFormation tests share."""

from __future__ import annotations

import pytest

from cp_mock.cloudformation import SPECS
from cp_mock.protocol import service_model

_NEEDED = {op for spec in SPECS for op in (spec.create, spec.read, spec.delete, spec.update) if op}
_MISSING = sorted(_NEEDED - set(service_model().operation_names))

# Every resource type's operations must be in the installed botocore model: tox's "oldest"
# leg predates some (there a stack fails, saying which operation is missing).
every_resource_type_operation_installed = pytest.mark.skipif(
    bool(_MISSING), reason=f"the installed botocore model lacks {', '.join(_MISSING)}"
)
