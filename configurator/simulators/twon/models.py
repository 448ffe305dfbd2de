"""The simulated 2N models: identity, hardware and firmware generation."""

from __future__ import annotations

from dataclasses import dataclass

from ...core.errors import InvalidValue

DOC_RESOLUTIONS: tuple[tuple[int, int], ...] = (
    (160, 120), (176, 144), (320, 240), (352, 272), (352, 288), (640, 480),
)

#: Event types every 2.38 model lists in /api/log/caps.
BASE_EVENTS: tuple[str, ...] = (
    "DeviceState", "AudioLoopTest", "MotionDetected", "NoiseDetected", "KeyPressed",
    "KeyReleased", "CodeEntered", "CardEntered", "CardHeld", "InputChanged", "OutputChanged",
    "SwitchStateChanged", "SwitchOperationChanged", "CallStateChanged",
    "RegistrationStateChanged", "TamperSwitchActivated", "UnauthorizedDoorOpen",
    "DoorOpenTooLong", "DoorStateChanged", "LoginBlocked", "UserAuthenticated",
    "UserRejected", "SilentAlarm", "AccessLimited", "AccessBlocked", "ApLockStateChanged",
    "RexActivated", "PairingStateChanged", "SwitchesBlocked", "MobKeyEntered", "DtmfEntered",
    "ApiAccessRequested", "LicensePlateRecognized", "LiftFloorsEnabled", "LiftStatusChanged",
    "LiftConfigChanged", "CapabilitiesChanged", "DirectoryChanged",
)


@dataclass(frozen=True)
class Model:
    key: str
    variant: str
    dev_type: str
    variant_id: int
    hw_version: str
    sw_version: str
    firmware_package: str
    serial: str
    api: str  # "2.38" or "2.11": which function set the firmware offers
    ports: tuple[tuple[str, str], ...]  # (port, "input"|"output")
    resolutions: tuple[tuple[int, int], ...]
    sources: tuple[str, ...]
    displays: tuple[tuple[str, int, int], ...]  # (id, width, height)
    video_display: bool = False  # blob-video accepted by /api/display/image
    static_max: tuple[int, int] | None = None  # largest static snapshot (2N IP Style)
    extra_events: tuple[str, ...] = ()
    needs_licence: bool = False  # v2.11: "Enhanced Integration" gates most functions
    switches: int = 4
    accounts: int = 2


MODELS: dict[str, Model] = {
    "verso": Model(
        key="verso", variant="2N IP Verso", dev_type="2-14-0-0", variant_id=14,
        hw_version="570v1", sw_version="2.38.0.52.4", firmware_package="verso",
        serial="54-1046-0745", api="2.38",
        ports=(("input1", "input"), ("input2", "input"), ("relay1", "output"),
               ("output1", "output")),
        resolutions=(*DOC_RESOLUTIONS, (1280, 720), (1280, 960)),
        sources=("internal", "external"),
        displays=(("ext1", 320, 240),), video_display=True,
        extra_events=("DisplayTouched", "FingerEntered"),
    ),
    "style": Model(
        key="style", variant="2N IP Style", dev_type="2-48-0-0", variant_id=48,
        hw_version="754v1", sw_version="2.38.0.52.4", firmware_package="style",
        serial="72-2210-0113", api="2.38",
        ports=(("input1", "input"), ("input2", "input"), ("relay1", "output"),
               ("relay2", "output"), ("output1", "output")),
        resolutions=(*DOC_RESOLUTIONS, (1280, 960), (1920, 1080)),
        sources=("internal", "external"),
        displays=(("internal", 1280, 800),), static_max=(1280, 960),
        extra_events=("DisplayTouched",),
    ),
    "vario": Model(
        key="vario", variant="2N Helios IP Vario", dev_type="1-6-0-0", variant_id=6,
        hw_version="535v1", sw_version="2.11.0.21.2", firmware_package="vario",
        serial="08-1860-0035", api="2.11",
        ports=(("relay1", "output"), ("relay2", "output")),
        resolutions=DOC_RESOLUTIONS, sources=("internal", "external"),
        displays=(("internal", 320, 240),), needs_licence=True,
    ),
}


def model(key: str) -> Model:
    try:
        return MODELS[key]
    except KeyError:
        raise InvalidValue(
            f"unknown 2N model {key!r} (known: {', '.join(sorted(MODELS))})") from None


def mac_for(serial: str) -> str:
    digits = serial.replace("-", "")[-6:].rjust(6, "0")
    return "7C-1E-B3-" + "-".join(digits[i:i + 2] for i in range(0, 6, 2))


def version_tuple(version: str) -> tuple[int, ...]:
    parts = version.split(".")
    if not parts or not all(p.isdigit() for p in parts):
        raise ValueError(version)
    return tuple(int(p) for p in parts)
