from .backend import CustomerProfilesBackend, customerprofiles_backends, dead_letter_objects

__all__ = ["CustomerProfilesBackend", "customerprofiles_backends", "dead_letter_objects"]
