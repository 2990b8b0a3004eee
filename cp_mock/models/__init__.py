from .backend import CustomerProfilesBackend, customerprofiles_backends

__all__ = ["CustomerProfilesBackend", "customerprofiles_backends"]
