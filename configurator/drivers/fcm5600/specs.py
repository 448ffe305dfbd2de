"""ParamSpecs, the status page and the TableSpecs of the FCM5600 (from the document's tables).

Keys are the PBX's own JSON member names (``exten``, ``audioCodec``...), as the query answers
them; :mod:`.protocol` maps the two members whose add/update spelling differs.
"""

from __future__ import annotations

from ...core.params import (
    Category,
    Choice,
    Kind,
    ParamSpec,
    SettingsPage,
    TableOp,
    TableSpec,
    repeat,
)

ADVANCED = Category.ADVANCED
STATUS = Category.STATUS


def _choices(*pairs: tuple[str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(value, label) for value, label in pairs)


def _bool(key: str, label: str, help: str, *, group: str, default: bool = False,
          category: Category = Category.BASIC) -> ParamSpec:
    return ParamSpec(key, label, Kind.BOOL, help=help, group=group, default=default,
                     category=category)


TRANSPORT_CHOICES = _choices(("UDP", "UDP"), ("TCP", "TCP"), ("TLS", "TLS"))
# Assumption: the document lists "Auto/RFC4733/Inband/Sip info" and its example sends
# "rfc4733"; the wire values are taken to be the lower-case Asterisk names.
DTMF_CHOICES = _choices(("auto", "Auto"), ("rfc4733", "RFC4733"), ("inband", "Inband"),
                        ("info", "SIP info"))
RECORDING_CHOICES = _choices(("none", "Do not record"), ("in", "Inbound calls"),
                             ("out", "Outbound calls"), ("both", "All calls"))
VIDEO_CODEC_CHOICES = _choices(("vp8", "VP8"), ("h264", "H.264"), ("h263", "H.263"),
                               ("h261", "H.261"), ("h263p", "H.263+"))
AUDIO_CODECS = ("ulaw", "alaw", "g729", "gsm", "g722", "g726", "speex", "opus")
AUDIO_CODEC_CHOICES = _choices(*((c, c) for c in AUDIO_CODECS))
_CODEC = "(?:" + "|".join(AUDIO_CODECS) + ")"
_PERMIT_ITEM = r"!?(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?"
_GROUP = r"(?:[1-9]|[1-5]\d|6[0-4])"
FORWARD_CHOICES = _choices(("busy", "Forward when busy"), ("noanswer", "Forward when no answer"),
                           ("noan_busy", "Forward when busy or no answer"),
                           ("always", "Forward unconditionally"))
ROLE_CHOICES = _choices(("admin", "Admin user"), ("operator", "Operator user"),
                        ("extension", "Extension user"), ("", "(not set)"))

G_USER, G_SIP, G_MEDIA, G_FEATURES = "User", "SIP", "Media", "Features"

_OUTBOUND_CID = ParamSpec("outboundCid{n}", "Outbound CID {n}", Kind.STRING, max_length=32,
                          pattern=r"[0-9*#+]*", group=G_USER, help="Outbound caller ID {n}.")

EXTENSION_COLUMNS: tuple[ParamSpec, ...] = (
    ParamSpec("exten", "Extension", Kind.STRING, pattern=r"\d{1,16}", group=G_USER,
              help="Extension number (cannot be changed after it is added; "
                   "left empty on add, the PBX proposes the next free number)."),
    _bool("enable", "Enabled", "The extension can only be used after it is enabled.",
          group=G_USER, default=True),
    ParamSpec("username", "User name", Kind.STRING, max_length=64, group=G_USER,
              help="Extension user name, also the caller name."),
    ParamSpec("password", "Password", Kind.SECRET, max_length=64, group=G_USER,
              help="Extension registration password (use a strong one)."),
    ParamSpec("email", "Email", Kind.STRING, max_length=128, group=G_USER,
              pattern=r"[^@\s]+@[^@\s]+\.[^@\s]+", help="User email address."),
    *repeat([_OUTBOUND_CID], [("1", "1"), ("2", "2")]),
    ParamSpec("mobileNumber", "Mobile number", Kind.STRING, max_length=32, group=G_USER,
              help="User mobile phone number."),
    ParamSpec("dialPlanId", "Dial permission ID", Kind.INT, minimum=1, default=1, group=G_USER,
              help="ID of the dial permissions, starting from 1."),
    ParamSpec("language", "Prompt language", Kind.STRING, default="en", max_length=16,
              group=G_USER, help="System voice prompts language (e.g. en)."),
    ParamSpec("musicOnHoldId", "Music on hold folder", Kind.INT, minimum=1, default=1,
              group=G_MEDIA, help="Music on hold folder ID."),
    _bool("voicemail", "Voicemail", "Voicemail box.", group=G_FEATURES, default=True),
    ParamSpec("voicemailPassword", "Voicemail password", Kind.SECRET, max_length=16,
              pattern=r"\d*", group=G_FEATURES, help="Voicemail box password."),
    _bool("remoteExten", "Remote extension",
          "Remote extension feature; if enabled ensure it uses a strong password.",
          group=G_SIP),
    ParamSpec("registCount", "Max registrations", Kind.INT, minimum=1, default=1, group=G_SIP,
              help="Maximum simultaneous registrations allowed."),
    _bool("videoCall", "Video call", "Video call feature.", group=G_MEDIA),
    ParamSpec("videoCallCodec", "Video codec", Kind.ENUM, choices=VIDEO_CODEC_CHOICES,
              default="h264", group=G_MEDIA, help="Supported video codec (single codec)."),
    _bool("webRtc", "WebRTC portal", "Extension web portal.", group=G_FEATURES),
    _bool("app", "App account", "App account.", group=G_FEATURES),
    _bool("webLogin", "Web login", "Web login.", group=G_FEATURES, default=True),
    _bool("dnd", "Do not disturb", "Do not disturb.", group=G_FEATURES),
    ParamSpec("recording", "Call recording", Kind.ENUM, choices=RECORDING_CHOICES,
              default="none", group=G_FEATURES, help="Call recording on this extension."),
    _bool("callSpy", "Call spy", "Call spy feature.", group=G_FEATURES),
    ParamSpec("addressExpiration", "Register expiration", Kind.INT, minimum=1, default=1800,
              unit="s", group=G_SIP, category=ADVANCED,
              help="Extension register expiration in seconds."),
    ParamSpec("transport", "Transport", Kind.ENUM, choices=TRANSPORT_CHOICES, default="UDP",
              group=G_SIP, help="SIP signalling protocol (single protocol)."),
    ParamSpec("dtmf", "DTMF mode", Kind.ENUM, choices=DTMF_CHOICES, default="rfc4733",
              group=G_SIP, help="DTMF mode (single mode)."),
    _bool("srtplib", "SRTP", "Secure Real-time Transport Protocol.", group=G_MEDIA,
          category=ADVANCED),
    ParamSpec("qualify", "Qualify", Kind.INT, minimum=0, default=300, unit="s", group=G_SIP,
              category=ADVANCED,
              help="Sends SIP OPTIONS regularly to check the extension is online; 0 disables."),
    ParamSpec("qualifyTimeout", "Qualify timeout", Kind.INT, minimum=0, default=30, unit="s",
              group=G_SIP, category=ADVANCED, help="Qualify timeout in seconds."),
    _bool("nat", "NAT", "NAT support.", group=G_SIP, default=True, category=ADVANCED),
    _bool("iax", "IAX", "IAX protocol support.", group=G_SIP, category=ADVANCED),
    ParamSpec("audioCodec", "Audio codecs", Kind.STRING, choices=AUDIO_CODEC_CHOICES,
              default="alaw,ulaw,g729", pattern=rf"{_CODEC}(?:,{_CODEC})*", group=G_MEDIA,
              help="Audio codecs in order of preference, separated by commas: "
                   + ", ".join(AUDIO_CODECS) + "."),
    ParamSpec("permit", "Permit", Kind.STRING, default="", group=G_SIP, category=ADVANCED,
              pattern=rf"{_PERMIT_ITEM}(?:,{_PERMIT_ITEM})*",
              help="Hosts/networks allowed to register: empty = anywhere; an IP; a network "
                   "(192.168.2.0/24); exclusions with ! (192.168.2.0/24,!192.168.2.34)."),
    _bool("sendPai", "Send PAI", "Send P-Asserted-Identity.", group=G_SIP, default=True,
          category=ADVANCED),
    _bool("sendRpid", "Send RPID", "Send Remote-Party-ID.", group=G_SIP, default=True,
          category=ADVANCED),
    ParamSpec("rtptimeout", "RTP timeout", Kind.INT, minimum=0, default=60, unit="s",
              group=G_MEDIA, category=ADVANCED, help="RTP timeout."),
    ParamSpec("groupNumber", "Substitute groups", Kind.STRING, default="",
              pattern=rf"{_GROUP}(?:,{_GROUP})*", group=G_FEATURES, category=ADVANCED,
              help="Substitute group(s) 1-64, several separated by commas, e.g. 1,42."),
    _bool("inbandProgress", "In-band progress", "Voice stream sends the ring tone.",
          group=G_MEDIA, category=ADVANCED),
    ParamSpec("whiteListTagId", "Whitelist", Kind.INT, minimum=0, default=0, group=G_FEATURES,
              category=ADVANCED, help="Whitelist tag ID (0 = none)."),
    ParamSpec("dialPlanName", "Dial permission", Kind.STRING, read_only=True, group=G_USER,
              help="Name of the dial permission used by the extension."),
    ParamSpec("departmentName", "Departments", Kind.STRING, read_only=True, group=G_USER,
              help="Departments the extension belongs to, separated by commas."),
)

EXTENSIONS = TableSpec(
    "extensions", "IP extensions", EXTENSION_COLUMNS, row_key="exten",
    operations=frozenset({TableOp.ADD, TableOp.SET, TableOp.DEL}), capability="extensions",
    help="SIP (and optionally IAX) extensions. New extensions without a number get the next "
         "free number from the PBX.",
)

CALL_FORWARD = TableSpec(
    "callforward", "Call forward",
    (
        ParamSpec("id", "Record ID", Kind.INT, read_only=True),
        ParamSpec("exten", "Extension", Kind.STRING, required=True, pattern=r"\d{1,16}"),
        ParamSpec("type", "Condition", Kind.ENUM, choices=FORWARD_CHOICES, default="busy",
                  required=True, help="When the call is forwarded."),
        ParamSpec("dest", "Destination", Kind.STRING, required=True, pattern=r"[0-9*#+]{1,32}",
                  help="Call forward destination number."),
        ParamSpec("timeout", "Ring timeout", Kind.INT, minimum=0, default=10, unit="s",
                  help="Ring timeout before forwarding."),
        ParamSpec("enable", "Enabled", Kind.BOOL, default=True,
                  help="Whether this record is in use."),
    ),
    row_key="id", capability="extensions",
    operations=frozenset({TableOp.ADD, TableOp.SET, TableOp.DEL, TableOp.CLEAR}),
)

WAKEUP = TableSpec(
    "wakeup", "Wake-up calls",
    (
        ParamSpec("id", "Record ID", Kind.INT, read_only=True),
        ParamSpec("exten", "Extension", Kind.STRING, required=True, pattern=r"\d{1,16}",
                  help="Extension to wake (cannot be changed; delete and add instead)."),
        ParamSpec("callDateTime", "Time", Kind.STRING, required=True,
                  pattern=r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}",
                  help="yyyy-MM-dd HH:mm, not earlier than the PBX's current time."),
        ParamSpec("musicID", "Voice file", Kind.INT, minimum=0, default=0,
                  help="Voice file number."),
    ),
    row_key="id", capability="extensions",
    operations=frozenset({TableOp.ADD, TableOp.SET, TableOp.DEL}),
)

PHONEBOOK = TableSpec(
    "phonebook", "Phonebook",
    (
        ParamSpec("id", "Record ID", Kind.INT, read_only=True),
        ParamSpec("name", "Name", Kind.STRING, required=True, max_length=64,
                  help="Contact name."),
        ParamSpec("phoneNumber", "Phone number", Kind.STRING, pattern=r"[0-9*#+ -]*",
                  max_length=32),
        ParamSpec("email", "Email", Kind.STRING, pattern=r"[^@\s]+@[^@\s]+\.[^@\s]+",
                  help="Must be a standard email address when given."),
        ParamSpec("company", "Company", Kind.STRING, max_length=64),
        ParamSpec("dialCode", "Speed dial", Kind.STRING, pattern=r"[0-9*#]*",
                  help="Speed dial number."),
        ParamSpec("addByRole", "Created by", Kind.ENUM, choices=ROLE_CHOICES, read_only=True,
                  help="Role of the creator of this contact."),
        ParamSpec("addUser", "Creator extension", Kind.STRING, read_only=True,
                  help="Extension of the creator (only when created by an extension user)."),
    ),
    row_key="id", capability="contacts",
    operations=frozenset({TableOp.ADD, TableOp.SET, TableOp.DEL, TableOp.CLEAR}),
)


def _ro(key: str, label: str, kind: Kind = Kind.STRING, help: str = "", **extra: object
        ) -> ParamSpec:
    return ParamSpec(key, label, kind, read_only=True, category=STATUS, help=help,
                     **extra)  # type: ignore[arg-type]


TRUNKS = TableSpec(
    "trunks", "Trunks",
    (
        _ro("kind", "Kind", help="analog, digital, iax or sip"),
        _ro("name", "Name / channel"),
        _ro("type", "Type", help="FXO/FXS/GSM/WCDMA for analog; client/server for VoIP"),
        _ro("ip", "Server"),
        _ro("delay", "Delay", unit="ms"),
        _ro("status", "Status"),
        _ro("channel_status", "Channel status", help="InUse / Idle (analog)"),
    ),
    row_key="name", capability="trunks",
    help="All trunks from trunk-info (analog, digital, IAX, SIP).",
)

REGISTRATIONS = TableSpec(
    "registrations", "Extension status",
    (
        _ro("exten", "Extension"), _ro("name", "Name"), _ro("statusText", "Status",
            help="Idle, InUse, Hold, Ringing, Unknown or Unavailable"),
        _ro("addr", "Address"), _ro("uri", "URI"),
    ),
    row_key="exten", capability="extensions",
)

CALL_LOG = TableSpec(
    "calllog", "Call log",
    tuple(_ro(k, label) for k, label in (
        ("id", "ID"), ("startTime", "Start"), ("callFrom", "Caller name"),
        ("callSrc", "Caller"), ("callTo", "Callee"), ("destNum", "Final callee"),
        ("duration", "Duration"), ("callStatus", "Status"), ("callType", "Type"),
        ("trunkName", "Trunk"), ("pinCode", "PIN"), ("recordingFile", "Recording"))),
    row_key="id", capability="calllog",
)

READ_ONLY_LISTS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "moh": ("Music on hold folders", (("id", "ID"), ("name", "Name"), ("sort", "Play mode"))),
    "dialplans": ("Dial permissions", (("id", "ID"), ("name", "Name"))),
    "timeconditions": ("Time conditions", (("id", "ID"), ("name", "Name"))),
}

SIMPLE_TABLES = tuple(
    TableSpec(table_id, title, tuple(_ro(k, label) for k, label in cols), row_key="id",
              capability="system")
    for table_id, (title, cols) in READ_ONLY_LISTS.items()
)

# call-forward/available: "The list of configurable extensions is displayed first" when a
# call forward is added: shown beside the call forward table.
FORWARDABLE = TableSpec(
    "forwardable", "Extensions that can forward",
    (_ro("exten", "Extension"), _ro("name", "Name"),
     _ro("type", "Type", help="voip: IP extension; analog: analogue extension")),
    row_key="exten", capability="extensions",
    help="The extensions a call forward can be added for (call-forward/available).")

ALL_TABLES: tuple[TableSpec, ...] = (EXTENSIONS, CALL_FORWARD, FORWARDABLE, WAKEUP, PHONEBOOK,
                                     TRUNKS, REGISTRATIONS, CALL_LOG, *SIMPLE_TABLES)

# -- the status page ---------------------------------------------------------------------

STATUS_PAGE = SettingsPage(
    "status", "System status",
    (
        _ro("model", "Model", group="System"),
        _ro("device_name", "Device name", group="System"),
        _ro("firmware", "Software version", group="System"),
        _ro("hardware", "Hardware version", group="System"),
        _ro("uptime", "Up since / uptime", group="System"),
        _ro("time", "System time", group="System", help="yyyy-MM-dd HH:mm"),
        _ro("wan_ip", "WAN IP", group="Network"),
        _ro("wan_mac", "WAN MAC", group="Network"),
        _ro("lan_ip", "LAN IP", group="Network"),
        _ro("lan_mac", "LAN MAC", group="Network"),
        _ro("cpu", "CPU usage", Kind.FLOAT, unit="%", group="Resources",
            help="Average over all cores."),
        _ro("mem_used", "Memory used", Kind.FLOAT, unit="%", group="Resources"),
        _ro("mem_total", "Memory total", Kind.INT, unit="MB", group="Resources"),
        _ro("sys_used", "Storage used", Kind.INT, unit="MB", group="Storage"),
        _ro("sys_total", "Storage total", Kind.INT, unit="MB", group="Storage"),
        _ro("rcd_used", "Recording storage used", Kind.INT, unit="MB", group="Storage"),
        _ro("rcd_total", "Recording storage total", Kind.INT, unit="MB", group="Storage"),
        _ro("usb_used", "USB storage used", Kind.INT, unit="MB", group="Storage"),
        _ro("usb_total", "USB storage total", Kind.INT, unit="MB", group="Storage"),
        _ro("calls", "Current calls", Kind.INT, group="Calls"),
        _ro("maxcalls", "Maximum calls", Kind.INT, group="Calls"),
    ),
    capability="system",
    help="Read-only system information and resource usage.",
)
