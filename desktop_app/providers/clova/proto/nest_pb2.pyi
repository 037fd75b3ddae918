from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RequestType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONFIG: _ClassVar[RequestType]
    DATA: _ClassVar[RequestType]
CONFIG: RequestType
DATA: RequestType

class NestConfig(_message.Message):
    __slots__ = ("config",)
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    config: str
    def __init__(self, config: _Optional[str] = ...) -> None: ...

class NestData(_message.Message):
    __slots__ = ("chunk", "extra_contents")
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    EXTRA_CONTENTS_FIELD_NUMBER: _ClassVar[int]
    chunk: bytes
    extra_contents: str
    def __init__(self, chunk: _Optional[bytes] = ..., extra_contents: _Optional[str] = ...) -> None: ...

class NestRequest(_message.Message):
    __slots__ = ("type", "config", "data")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    type: RequestType
    config: NestConfig
    data: NestData
    def __init__(self, type: _Optional[_Union[RequestType, str]] = ..., config: _Optional[_Union[NestConfig, _Mapping]] = ..., data: _Optional[_Union[NestData, _Mapping]] = ...) -> None: ...

class NestResponse(_message.Message):
    __slots__ = ("contents",)
    CONTENTS_FIELD_NUMBER: _ClassVar[int]
    contents: str
    def __init__(self, contents: _Optional[str] = ...) -> None: ...
