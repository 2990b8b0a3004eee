"""The one boundary to moto's and botocore's private details.

Every use of something moto or botocore does not publish lives here, each behind a named
function or name that tests/test_moto_adapter.py and tests/test_startup.py exercise, so a
change upstream fails a named test rather than a user's suite: ``moto`` (moto's
registries, stubber, mocks and the patches cp_mock holds while a mock runs, installed and
undone by ``while_mocks_run``), ``other_services`` (moto's backends of the services
cp_mock talks to), ``cloudformation`` (moto's stacks, made to fail as CloudFormation's do),
``botocore`` (botocore's handler registry). Importing this package imports none of them.
"""
