from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

CONSTANT_STYLE_ABBREV: ConstantStyle
CONSTANT_STYLE_RAW: ConstantStyle
CONSTANT_STYLE_UNSPECIFIED: ConstantStyle
CONSTANT_STYLE_VERBOSE: ConstantStyle
DESCRIPTOR: _descriptor.FileDescriptor
SIGINFO_FIELDS_CHLD: SiginfoFields
SIGINFO_FIELDS_FAULT: SiginfoFields
SIGINFO_FIELDS_KILL: SiginfoFields
SIGINFO_FIELDS_POLL: SiginfoFields
SIGINFO_FIELDS_RT: SiginfoFields
SIGINFO_FIELDS_SYS: SiginfoFields
SIGINFO_FIELDS_TIMER: SiginfoFields
SIGINFO_FIELDS_UNSPECIFIED: SiginfoFields
TASK_STATE_BLOCKED: TaskState
TASK_STATE_DEAD: TaskState
TASK_STATE_IDLE: TaskState
TASK_STATE_OTHER: TaskState
TASK_STATE_PARKED: TaskState
TASK_STATE_RUNNABLE: TaskState
TASK_STATE_SLEEPING: TaskState
TASK_STATE_STOPPED: TaskState
TASK_STATE_TRACED: TaskState
TASK_STATE_UNSPECIFIED: TaskState

class BackendCapability(_message.Message):
    __slots__ = ["available", "name", "reason"]
    AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    available: bool
    name: str
    reason: str
    def __init__(self, name: _Optional[str] = ..., available: bool = ..., reason: _Optional[str] = ...) -> None: ...

class ContextSwitch(_message.Message):
    __slots__ = ["cpu", "off_cpu_ns", "other_tid", "preempted", "ran_ns", "raw_state", "run_queue_ns", "since_unknown", "state", "switched_in", "wakeup_unknown"]
    CPU_FIELD_NUMBER: _ClassVar[int]
    OFF_CPU_NS_FIELD_NUMBER: _ClassVar[int]
    OTHER_TID_FIELD_NUMBER: _ClassVar[int]
    PREEMPTED_FIELD_NUMBER: _ClassVar[int]
    RAN_NS_FIELD_NUMBER: _ClassVar[int]
    RAW_STATE_FIELD_NUMBER: _ClassVar[int]
    RUN_QUEUE_NS_FIELD_NUMBER: _ClassVar[int]
    SINCE_UNKNOWN_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SWITCHED_IN_FIELD_NUMBER: _ClassVar[int]
    WAKEUP_UNKNOWN_FIELD_NUMBER: _ClassVar[int]
    cpu: int
    off_cpu_ns: int
    other_tid: int
    preempted: bool
    ran_ns: int
    raw_state: int
    run_queue_ns: int
    since_unknown: bool
    state: TaskState
    switched_in: bool
    wakeup_unknown: bool
    def __init__(self, switched_in: bool = ..., cpu: _Optional[int] = ..., ran_ns: _Optional[int] = ..., off_cpu_ns: _Optional[int] = ..., state: _Optional[_Union[TaskState, str]] = ..., raw_state: _Optional[int] = ..., preempted: bool = ..., other_tid: _Optional[int] = ..., since_unknown: bool = ..., run_queue_ns: _Optional[int] = ..., wakeup_unknown: bool = ...) -> None: ...

class Event(_message.Message):
    __slots__ = ["context_switch", "exec", "exit", "fork", "lost", "sequence", "signal_delivered", "syscall", "task", "thread_created", "thread_exit", "timestamp_ns"]
    CONTEXT_SWITCH_FIELD_NUMBER: _ClassVar[int]
    EXEC_FIELD_NUMBER: _ClassVar[int]
    EXIT_FIELD_NUMBER: _ClassVar[int]
    FORK_FIELD_NUMBER: _ClassVar[int]
    LOST_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_DELIVERED_FIELD_NUMBER: _ClassVar[int]
    SYSCALL_FIELD_NUMBER: _ClassVar[int]
    TASK_FIELD_NUMBER: _ClassVar[int]
    THREAD_CREATED_FIELD_NUMBER: _ClassVar[int]
    THREAD_EXIT_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_NS_FIELD_NUMBER: _ClassVar[int]
    context_switch: ContextSwitch
    exec: ProcessExec
    exit: ProcessExit
    fork: ProcessFork
    lost: EventsLost
    sequence: int
    signal_delivered: SignalDelivered
    syscall: SyscallEvent
    task: Task
    thread_created: ThreadCreated
    thread_exit: ThreadExit
    timestamp_ns: int
    def __init__(self, sequence: _Optional[int] = ..., timestamp_ns: _Optional[int] = ..., task: _Optional[_Union[Task, _Mapping]] = ..., syscall: _Optional[_Union[SyscallEvent, _Mapping]] = ..., exec: _Optional[_Union[ProcessExec, _Mapping]] = ..., fork: _Optional[_Union[ProcessFork, _Mapping]] = ..., exit: _Optional[_Union[ProcessExit, _Mapping]] = ..., lost: _Optional[_Union[EventsLost, _Mapping]] = ..., thread_created: _Optional[_Union[ThreadCreated, _Mapping]] = ..., thread_exit: _Optional[_Union[ThreadExit, _Mapping]] = ..., context_switch: _Optional[_Union[ContextSwitch, _Mapping]] = ..., signal_delivered: _Optional[_Union[SignalDelivered, _Mapping]] = ...) -> None: ...

class EventsLost(_message.Message):
    __slots__ = ["count", "where"]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    WHERE_FIELD_NUMBER: _ClassVar[int]
    count: int
    where: str
    def __init__(self, count: _Optional[int] = ..., where: _Optional[str] = ...) -> None: ...

class GetCapabilitiesRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class GetCapabilitiesResponse(_message.Message):
    __slots__ = ["arch", "backends", "default_backend", "kernel", "node"]
    ARCH_FIELD_NUMBER: _ClassVar[int]
    BACKENDS_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_BACKEND_FIELD_NUMBER: _ClassVar[int]
    KERNEL_FIELD_NUMBER: _ClassVar[int]
    NODE_FIELD_NUMBER: _ClassVar[int]
    arch: str
    backends: _containers.RepeatedCompositeFieldContainer[BackendCapability]
    default_backend: str
    kernel: str
    node: str
    def __init__(self, backends: _Optional[_Iterable[_Union[BackendCapability, _Mapping]]] = ..., default_backend: _Optional[str] = ..., kernel: _Optional[str] = ..., arch: _Optional[str] = ..., node: _Optional[str] = ...) -> None: ...

class GetProcessTreeRequest(_message.Message):
    __slots__ = ["trace_id"]
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    trace_id: str
    def __init__(self, trace_id: _Optional[str] = ...) -> None: ...

class GetProcessTreeResponse(_message.Message):
    __slots__ = ["dropped_nodes", "node_limit", "processes"]
    DROPPED_NODES_FIELD_NUMBER: _ClassVar[int]
    NODE_LIMIT_FIELD_NUMBER: _ClassVar[int]
    PROCESSES_FIELD_NUMBER: _ClassVar[int]
    dropped_nodes: int
    node_limit: int
    processes: _containers.RepeatedCompositeFieldContainer[ProcessNode]
    def __init__(self, processes: _Optional[_Iterable[_Union[ProcessNode, _Mapping]]] = ..., dropped_nodes: _Optional[int] = ..., node_limit: _Optional[int] = ...) -> None: ...

class ListTracesRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListTracesResponse(_message.Message):
    __slots__ = ["traces"]
    TRACES_FIELD_NUMBER: _ClassVar[int]
    traces: _containers.RepeatedCompositeFieldContainer[TraceInfo]
    def __init__(self, traces: _Optional[_Iterable[_Union[TraceInfo, _Mapping]]] = ...) -> None: ...

class ProcessExec(_message.Message):
    __slots__ = ["argv", "argv_bytes", "argv_truncated", "filename", "filename_bytes", "old_pid"]
    ARGV_BYTES_FIELD_NUMBER: _ClassVar[int]
    ARGV_FIELD_NUMBER: _ClassVar[int]
    ARGV_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    FILENAME_BYTES_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    OLD_PID_FIELD_NUMBER: _ClassVar[int]
    argv: _containers.RepeatedScalarFieldContainer[str]
    argv_bytes: _containers.RepeatedScalarFieldContainer[bytes]
    argv_truncated: bool
    filename: str
    filename_bytes: bytes
    old_pid: int
    def __init__(self, filename: _Optional[str] = ..., argv: _Optional[_Iterable[str]] = ..., argv_truncated: bool = ..., old_pid: _Optional[int] = ..., filename_bytes: _Optional[bytes] = ..., argv_bytes: _Optional[_Iterable[bytes]] = ...) -> None: ...

class ProcessExit(_message.Message):
    __slots__ = ["children_usage", "core_dumped", "exit_code", "signal", "usage", "wall_time_ns"]
    CHILDREN_USAGE_FIELD_NUMBER: _ClassVar[int]
    CORE_DUMPED_FIELD_NUMBER: _ClassVar[int]
    EXIT_CODE_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    WALL_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    children_usage: ResourceUsage
    core_dumped: bool
    exit_code: int
    signal: int
    usage: ResourceUsage
    wall_time_ns: int
    def __init__(self, exit_code: _Optional[int] = ..., signal: _Optional[int] = ..., core_dumped: bool = ..., wall_time_ns: _Optional[int] = ..., usage: _Optional[_Union[ResourceUsage, _Mapping]] = ..., children_usage: _Optional[_Union[ResourceUsage, _Mapping]] = ...) -> None: ...

class ProcessFork(_message.Message):
    __slots__ = ["child_pid", "clone_flags"]
    CHILD_PID_FIELD_NUMBER: _ClassVar[int]
    CLONE_FLAGS_FIELD_NUMBER: _ClassVar[int]
    child_pid: int
    clone_flags: int
    def __init__(self, child_pid: _Optional[int] = ..., clone_flags: _Optional[int] = ...) -> None: ...

class ProcessNode(_message.Message):
    __slots__ = ["clone_flags", "comm", "exec_filename", "exit_code", "exit_ns", "exited", "pid", "ppid", "signal", "start_ns", "threads"]
    CLONE_FLAGS_FIELD_NUMBER: _ClassVar[int]
    COMM_FIELD_NUMBER: _ClassVar[int]
    EXEC_FILENAME_FIELD_NUMBER: _ClassVar[int]
    EXITED_FIELD_NUMBER: _ClassVar[int]
    EXIT_CODE_FIELD_NUMBER: _ClassVar[int]
    EXIT_NS_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    PPID_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_FIELD_NUMBER: _ClassVar[int]
    START_NS_FIELD_NUMBER: _ClassVar[int]
    THREADS_FIELD_NUMBER: _ClassVar[int]
    clone_flags: int
    comm: str
    exec_filename: str
    exit_code: int
    exit_ns: int
    exited: bool
    pid: int
    ppid: int
    signal: int
    start_ns: int
    threads: _containers.RepeatedCompositeFieldContainer[ThreadNode]
    def __init__(self, pid: _Optional[int] = ..., ppid: _Optional[int] = ..., comm: _Optional[str] = ..., exec_filename: _Optional[str] = ..., threads: _Optional[_Iterable[_Union[ThreadNode, _Mapping]]] = ..., start_ns: _Optional[int] = ..., clone_flags: _Optional[int] = ..., exited: bool = ..., exit_ns: _Optional[int] = ..., exit_code: _Optional[int] = ..., signal: _Optional[int] = ...) -> None: ...

class Rendering(_message.Message):
    __slots__ = ["constants", "fd_details", "fd_paths", "verbose"]
    CONSTANTS_FIELD_NUMBER: _ClassVar[int]
    FD_DETAILS_FIELD_NUMBER: _ClassVar[int]
    FD_PATHS_FIELD_NUMBER: _ClassVar[int]
    VERBOSE_FIELD_NUMBER: _ClassVar[int]
    constants: ConstantStyle
    fd_details: bool
    fd_paths: bool
    verbose: bool
    def __init__(self, constants: _Optional[_Union[ConstantStyle, str]] = ..., verbose: bool = ..., fd_details: bool = ..., fd_paths: bool = ...) -> None: ...

class ResourceUsage(_message.Message):
    __slots__ = ["involuntary_switches", "major_faults", "max_rss_kb", "minor_faults", "system_time_ns", "user_time_ns", "voluntary_switches"]
    INVOLUNTARY_SWITCHES_FIELD_NUMBER: _ClassVar[int]
    MAJOR_FAULTS_FIELD_NUMBER: _ClassVar[int]
    MAX_RSS_KB_FIELD_NUMBER: _ClassVar[int]
    MINOR_FAULTS_FIELD_NUMBER: _ClassVar[int]
    SYSTEM_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    USER_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    VOLUNTARY_SWITCHES_FIELD_NUMBER: _ClassVar[int]
    involuntary_switches: int
    major_faults: int
    max_rss_kb: int
    minor_faults: int
    system_time_ns: int
    user_time_ns: int
    voluntary_switches: int
    def __init__(self, user_time_ns: _Optional[int] = ..., system_time_ns: _Optional[int] = ..., voluntary_switches: _Optional[int] = ..., involuntary_switches: _Optional[int] = ..., max_rss_kb: _Optional[int] = ..., minor_faults: _Optional[int] = ..., major_faults: _Optional[int] = ...) -> None: ...

class SignalDelivered(_message.Message):
    __slots__ = ["addr", "arch", "band", "call_addr", "code", "code_name", "discarded", "during_syscall", "fd", "fields", "handler", "int_value", "no_info", "overrun", "pid", "ptr_value", "sa_flags", "si_errno", "siginfo", "signal", "signo", "status", "stime", "symbolic", "syscall", "timer_id", "uid", "utime"]
    ADDR_FIELD_NUMBER: _ClassVar[int]
    ARCH_FIELD_NUMBER: _ClassVar[int]
    BAND_FIELD_NUMBER: _ClassVar[int]
    CALL_ADDR_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    CODE_NAME_FIELD_NUMBER: _ClassVar[int]
    DISCARDED_FIELD_NUMBER: _ClassVar[int]
    DURING_SYSCALL_FIELD_NUMBER: _ClassVar[int]
    FD_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    HANDLER_FIELD_NUMBER: _ClassVar[int]
    INT_VALUE_FIELD_NUMBER: _ClassVar[int]
    NO_INFO_FIELD_NUMBER: _ClassVar[int]
    OVERRUN_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    PTR_VALUE_FIELD_NUMBER: _ClassVar[int]
    SA_FLAGS_FIELD_NUMBER: _ClassVar[int]
    SIGINFO_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_FIELD_NUMBER: _ClassVar[int]
    SIGNO_FIELD_NUMBER: _ClassVar[int]
    SI_ERRNO_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STIME_FIELD_NUMBER: _ClassVar[int]
    SYMBOLIC_FIELD_NUMBER: _ClassVar[int]
    SYSCALL_FIELD_NUMBER: _ClassVar[int]
    TIMER_ID_FIELD_NUMBER: _ClassVar[int]
    UID_FIELD_NUMBER: _ClassVar[int]
    UTIME_FIELD_NUMBER: _ClassVar[int]
    addr: int
    arch: int
    band: int
    call_addr: int
    code: int
    code_name: str
    discarded: bool
    during_syscall: bool
    fd: int
    fields: SiginfoFields
    handler: int
    int_value: int
    no_info: bool
    overrun: int
    pid: int
    ptr_value: int
    sa_flags: int
    si_errno: int
    siginfo: bytes
    signal: str
    signo: int
    status: int
    stime: int
    symbolic: str
    syscall: int
    timer_id: int
    uid: int
    utime: int
    def __init__(self, signo: _Optional[int] = ..., signal: _Optional[str] = ..., code: _Optional[int] = ..., code_name: _Optional[str] = ..., si_errno: _Optional[int] = ..., fields: _Optional[_Union[SiginfoFields, str]] = ..., pid: _Optional[int] = ..., uid: _Optional[int] = ..., status: _Optional[int] = ..., utime: _Optional[int] = ..., stime: _Optional[int] = ..., addr: _Optional[int] = ..., int_value: _Optional[int] = ..., ptr_value: _Optional[int] = ..., band: _Optional[int] = ..., fd: _Optional[int] = ..., timer_id: _Optional[int] = ..., overrun: _Optional[int] = ..., call_addr: _Optional[int] = ..., syscall: _Optional[int] = ..., arch: _Optional[int] = ..., handler: _Optional[int] = ..., sa_flags: _Optional[int] = ..., siginfo: _Optional[bytes] = ..., symbolic: _Optional[str] = ..., discarded: bool = ..., during_syscall: bool = ..., no_info: bool = ...) -> None: ...

class StartTraceRequest(_message.Message):
    __slots__ = ["spec"]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    spec: TraceSpec
    def __init__(self, spec: _Optional[_Union[TraceSpec, _Mapping]] = ...) -> None: ...

class StartTraceResponse(_message.Message):
    __slots__ = ["backend", "effective_spec", "node", "trace_id"]
    BACKEND_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_SPEC_FIELD_NUMBER: _ClassVar[int]
    NODE_FIELD_NUMBER: _ClassVar[int]
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    backend: str
    effective_spec: TraceSpec
    node: str
    trace_id: str
    def __init__(self, trace_id: _Optional[str] = ..., backend: _Optional[str] = ..., effective_spec: _Optional[_Union[TraceSpec, _Mapping]] = ..., node: _Optional[str] = ...) -> None: ...

class StopTraceRequest(_message.Message):
    __slots__ = ["trace_id"]
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    trace_id: str
    def __init__(self, trace_id: _Optional[str] = ...) -> None: ...

class StopTraceResponse(_message.Message):
    __slots__ = ["counters"]
    COUNTERS_FIELD_NUMBER: _ClassVar[int]
    counters: TraceCounters
    def __init__(self, counters: _Optional[_Union[TraceCounters, _Mapping]] = ...) -> None: ...

class StreamEventsRequest(_message.Message):
    __slots__ = ["from_sequence", "trace_id"]
    FROM_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    from_sequence: int
    trace_id: str
    def __init__(self, trace_id: _Optional[str] = ..., from_sequence: _Optional[int] = ...) -> None: ...

class StreamEventsResponse(_message.Message):
    __slots__ = ["events", "first_retained_sequence", "heartbeat_interval_ms", "latest_sequence", "queued_events", "server_time_ns"]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    FIRST_RETAINED_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_INTERVAL_MS_FIELD_NUMBER: _ClassVar[int]
    LATEST_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    QUEUED_EVENTS_FIELD_NUMBER: _ClassVar[int]
    SERVER_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[Event]
    first_retained_sequence: int
    heartbeat_interval_ms: int
    latest_sequence: int
    queued_events: int
    server_time_ns: int
    def __init__(self, events: _Optional[_Iterable[_Union[Event, _Mapping]]] = ..., latest_sequence: _Optional[int] = ..., queued_events: _Optional[int] = ..., first_retained_sequence: _Optional[int] = ..., server_time_ns: _Optional[int] = ..., heartbeat_interval_ms: _Optional[int] = ...) -> None: ...

class SubscriberCounters(_message.Message):
    __slots__ = ["delivered", "id", "lost", "peer"]
    DELIVERED_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    LOST_FIELD_NUMBER: _ClassVar[int]
    PEER_FIELD_NUMBER: _ClassVar[int]
    delivered: int
    id: str
    lost: int
    peer: str
    def __init__(self, id: _Optional[str] = ..., peer: _Optional[str] = ..., delivered: _Optional[int] = ..., lost: _Optional[int] = ...) -> None: ...

class SyscallArg(_message.Message):
    __slots__ = ["buffer", "fd_path", "ignored", "int", "items", "items_bytes", "name", "return_note", "str", "str_bytes", "symbolic", "truncated", "type", "uint", "unreadable"]
    BUFFER_FIELD_NUMBER: _ClassVar[int]
    FD_PATH_FIELD_NUMBER: _ClassVar[int]
    IGNORED_FIELD_NUMBER: _ClassVar[int]
    INT_FIELD_NUMBER: _ClassVar[int]
    ITEMS_BYTES_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    RETURN_NOTE_FIELD_NUMBER: _ClassVar[int]
    STR_BYTES_FIELD_NUMBER: _ClassVar[int]
    STR_FIELD_NUMBER: _ClassVar[int]
    SYMBOLIC_FIELD_NUMBER: _ClassVar[int]
    TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    UINT_FIELD_NUMBER: _ClassVar[int]
    UNREADABLE_FIELD_NUMBER: _ClassVar[int]
    buffer: bytes
    fd_path: str
    ignored: bool
    int: int
    items: _containers.RepeatedScalarFieldContainer[str]
    items_bytes: _containers.RepeatedScalarFieldContainer[bytes]
    name: str
    return_note: str
    str: str
    str_bytes: bytes
    symbolic: str
    truncated: bool
    type: str
    uint: int
    unreadable: bool
    def __init__(self, name: _Optional[str] = ..., type: _Optional[str] = ..., uint: _Optional[int] = ..., int: _Optional[int] = ..., str: _Optional[str] = ..., truncated: bool = ..., unreadable: bool = ..., symbolic: _Optional[str] = ..., fd_path: _Optional[str] = ..., ignored: bool = ..., buffer: _Optional[bytes] = ..., items: _Optional[_Iterable[str]] = ..., str_bytes: _Optional[bytes] = ..., items_bytes: _Optional[_Iterable[bytes]] = ..., return_note: _Optional[str] = ...) -> None: ...

class SyscallEvent(_message.Message):
    __slots__ = ["arch", "args", "decoded", "duration_ns", "errno_name", "name", "no_return", "nr", "ret", "ret_fd_path"]
    ARCH_FIELD_NUMBER: _ClassVar[int]
    ARGS_FIELD_NUMBER: _ClassVar[int]
    DECODED_FIELD_NUMBER: _ClassVar[int]
    DURATION_NS_FIELD_NUMBER: _ClassVar[int]
    ERRNO_NAME_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    NO_RETURN_FIELD_NUMBER: _ClassVar[int]
    NR_FIELD_NUMBER: _ClassVar[int]
    RET_FD_PATH_FIELD_NUMBER: _ClassVar[int]
    RET_FIELD_NUMBER: _ClassVar[int]
    arch: str
    args: _containers.RepeatedScalarFieldContainer[int]
    decoded: _containers.RepeatedCompositeFieldContainer[SyscallArg]
    duration_ns: int
    errno_name: str
    name: str
    no_return: bool
    nr: int
    ret: int
    ret_fd_path: str
    def __init__(self, nr: _Optional[int] = ..., name: _Optional[str] = ..., args: _Optional[_Iterable[int]] = ..., ret: _Optional[int] = ..., duration_ns: _Optional[int] = ..., errno_name: _Optional[str] = ..., decoded: _Optional[_Iterable[_Union[SyscallArg, _Mapping]]] = ..., no_return: bool = ..., arch: _Optional[str] = ..., ret_fd_path: _Optional[str] = ...) -> None: ...

class Task(_message.Message):
    __slots__ = ["cgroup_id", "comm", "gid", "pid", "ppid", "tid", "uid"]
    CGROUP_ID_FIELD_NUMBER: _ClassVar[int]
    COMM_FIELD_NUMBER: _ClassVar[int]
    GID_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    PPID_FIELD_NUMBER: _ClassVar[int]
    TID_FIELD_NUMBER: _ClassVar[int]
    UID_FIELD_NUMBER: _ClassVar[int]
    cgroup_id: int
    comm: str
    gid: int
    pid: int
    ppid: int
    tid: int
    uid: int
    def __init__(self, pid: _Optional[int] = ..., tid: _Optional[int] = ..., ppid: _Optional[int] = ..., uid: _Optional[int] = ..., gid: _Optional[int] = ..., comm: _Optional[str] = ..., cgroup_id: _Optional[int] = ...) -> None: ...

class ThreadCreated(_message.Message):
    __slots__ = ["clone_flags", "tid"]
    CLONE_FLAGS_FIELD_NUMBER: _ClassVar[int]
    TID_FIELD_NUMBER: _ClassVar[int]
    clone_flags: int
    tid: int
    def __init__(self, tid: _Optional[int] = ..., clone_flags: _Optional[int] = ...) -> None: ...

class ThreadExit(_message.Message):
    __slots__ = ["usage", "wall_time_ns"]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    WALL_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    usage: ResourceUsage
    wall_time_ns: int
    def __init__(self, wall_time_ns: _Optional[int] = ..., usage: _Optional[_Union[ResourceUsage, _Mapping]] = ...) -> None: ...

class ThreadNode(_message.Message):
    __slots__ = ["clone_flags", "exit_ns", "exited", "start_ns", "tid"]
    CLONE_FLAGS_FIELD_NUMBER: _ClassVar[int]
    EXITED_FIELD_NUMBER: _ClassVar[int]
    EXIT_NS_FIELD_NUMBER: _ClassVar[int]
    START_NS_FIELD_NUMBER: _ClassVar[int]
    TID_FIELD_NUMBER: _ClassVar[int]
    clone_flags: int
    exit_ns: int
    exited: bool
    start_ns: int
    tid: int
    def __init__(self, tid: _Optional[int] = ..., clone_flags: _Optional[int] = ..., start_ns: _Optional[int] = ..., exited: bool = ..., exit_ns: _Optional[int] = ...) -> None: ...

class TraceCounters(_message.Message):
    __slots__ = ["decode_errors", "events_delivered", "events_received", "lost_kernel", "lost_subscribers", "per_subscriber"]
    DECODE_ERRORS_FIELD_NUMBER: _ClassVar[int]
    EVENTS_DELIVERED_FIELD_NUMBER: _ClassVar[int]
    EVENTS_RECEIVED_FIELD_NUMBER: _ClassVar[int]
    LOST_KERNEL_FIELD_NUMBER: _ClassVar[int]
    LOST_SUBSCRIBERS_FIELD_NUMBER: _ClassVar[int]
    PER_SUBSCRIBER_FIELD_NUMBER: _ClassVar[int]
    decode_errors: int
    events_delivered: int
    events_received: int
    lost_kernel: int
    lost_subscribers: int
    per_subscriber: _containers.RepeatedCompositeFieldContainer[SubscriberCounters]
    def __init__(self, events_received: _Optional[int] = ..., events_delivered: _Optional[int] = ..., lost_kernel: _Optional[int] = ..., lost_subscribers: _Optional[int] = ..., decode_errors: _Optional[int] = ..., per_subscriber: _Optional[_Iterable[_Union[SubscriberCounters, _Mapping]]] = ...) -> None: ...

class TraceInfo(_message.Message):
    __slots__ = ["backend", "counters", "node", "owner", "spec", "started_ns", "subscribers", "trace_id"]
    BACKEND_FIELD_NUMBER: _ClassVar[int]
    COUNTERS_FIELD_NUMBER: _ClassVar[int]
    NODE_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    STARTED_NS_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIBERS_FIELD_NUMBER: _ClassVar[int]
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    backend: str
    counters: TraceCounters
    node: str
    owner: str
    spec: TraceSpec
    started_ns: int
    subscribers: int
    trace_id: str
    def __init__(self, trace_id: _Optional[str] = ..., spec: _Optional[_Union[TraceSpec, _Mapping]] = ..., backend: _Optional[str] = ..., subscribers: _Optional[int] = ..., counters: _Optional[_Union[TraceCounters, _Mapping]] = ..., started_ns: _Optional[int] = ..., node: _Optional[str] = ..., owner: _Optional[str] = ...) -> None: ...

class TraceSpec(_message.Message):
    __slots__ = ["backend", "buffer_bytes", "cgroup_ids", "comms", "exec_env", "follow_children", "no_syscalls", "pids", "process_events", "rendering", "retention_bytes", "ring_bytes", "sched_events", "signal_events", "string_max_bytes", "syscalls", "uids"]
    BACKEND_FIELD_NUMBER: _ClassVar[int]
    BUFFER_BYTES_FIELD_NUMBER: _ClassVar[int]
    CGROUP_IDS_FIELD_NUMBER: _ClassVar[int]
    COMMS_FIELD_NUMBER: _ClassVar[int]
    EXEC_ENV_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_CHILDREN_FIELD_NUMBER: _ClassVar[int]
    NO_SYSCALLS_FIELD_NUMBER: _ClassVar[int]
    PIDS_FIELD_NUMBER: _ClassVar[int]
    PROCESS_EVENTS_FIELD_NUMBER: _ClassVar[int]
    RENDERING_FIELD_NUMBER: _ClassVar[int]
    RETENTION_BYTES_FIELD_NUMBER: _ClassVar[int]
    RING_BYTES_FIELD_NUMBER: _ClassVar[int]
    SCHED_EVENTS_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_EVENTS_FIELD_NUMBER: _ClassVar[int]
    STRING_MAX_BYTES_FIELD_NUMBER: _ClassVar[int]
    SYSCALLS_FIELD_NUMBER: _ClassVar[int]
    UIDS_FIELD_NUMBER: _ClassVar[int]
    backend: str
    buffer_bytes: int
    cgroup_ids: _containers.RepeatedScalarFieldContainer[int]
    comms: _containers.RepeatedScalarFieldContainer[str]
    exec_env: bool
    follow_children: bool
    no_syscalls: bool
    pids: _containers.RepeatedScalarFieldContainer[int]
    process_events: bool
    rendering: Rendering
    retention_bytes: int
    ring_bytes: int
    sched_events: bool
    signal_events: bool
    string_max_bytes: int
    syscalls: _containers.RepeatedScalarFieldContainer[str]
    uids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, syscalls: _Optional[_Iterable[str]] = ..., pids: _Optional[_Iterable[int]] = ..., follow_children: bool = ..., comms: _Optional[_Iterable[str]] = ..., uids: _Optional[_Iterable[int]] = ..., process_events: bool = ..., string_max_bytes: _Optional[int] = ..., backend: _Optional[str] = ..., cgroup_ids: _Optional[_Iterable[int]] = ..., buffer_bytes: _Optional[int] = ..., exec_env: bool = ..., ring_bytes: _Optional[int] = ..., retention_bytes: _Optional[int] = ..., sched_events: bool = ..., rendering: _Optional[_Union[Rendering, _Mapping]] = ..., no_syscalls: bool = ..., signal_events: bool = ...) -> None: ...

class ConstantStyle(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class SiginfoFields(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class TaskState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
