"""The pytest fixtures, by the name they had before they moved out of the package.

The ``pytest11`` entry point loads ``cp_mock_pytest``, which imports nothing but pytest so
that a run that uses no fixture never imports cp_mock. This module, named as a plugin
(``-p cp_mock.pytest_plugin``, ``pytest_plugins = [...]``), gives the same fixtures.
"""

from __future__ import annotations

from cp_mock_pytest import customerprofiles_backend, customerprofiles_client, customerprofiles_mock

__all__ = ["customerprofiles_backend", "customerprofiles_client", "customerprofiles_mock"]
