"""The five errors the Customer Profiles model declares.

Each is a moto ``ServiceException`` whose ``code`` names the model's error shape, so
moto's serializer renders it with the shape's HTTP status code (400, 403, 404, 429, 500).
"""

from __future__ import annotations

from moto.core.exceptions import ServiceException


class BadRequestException(ServiceException):
    code = "BadRequestException"


class AccessDeniedException(ServiceException):
    code = "AccessDeniedException"


class ResourceNotFoundException(ServiceException):
    code = "ResourceNotFoundException"


class ThrottlingException(ServiceException):
    code = "ThrottlingException"


class InternalServerException(ServiceException):
    code = "InternalServerException"
