"""The decoder: power-of-two DCT scaling only, 32-bit pixels that QImage paints as they are."""

from __future__ import annotations

import pytest

from configurator.core.errors import ProtocolError
from configurator.live.decode import decode_rgb, jpeg_size, scale_floor

from .mjpeg_server import colour, make_jpeg

JPEG = make_jpeg(3, 1280, 960)


@pytest.mark.parametrize(("view", "expected"), [
    ((640, 480), {"min_width": 640, "min_height": 480}),  # 1/2
    ((800, 600), {}),  # 5/8 would be slower than full size: full size
    ((300, 200), {"min_width": 320, "min_height": 240}),  # 1/4
    ((100, 50), {"min_width": 160, "min_height": 120}),  # 1/8 is the smallest
    ((1920, 1080), {}), ((0, 0), {}),
])
def test_scale_floor_picks_only_power_of_two_scales(view, expected) -> None:
    assert scale_floor(jpeg_size(JPEG), view) == expected


def test_decode_gives_rgb32_pixels_at_the_view_scale() -> None:
    pixels, cpu = decode_rgb(JPEG, (800, 600))
    assert pixels.shape == (960, 1280, 4) and pixels.flags.c_contiguous and cpu > 0
    half, _ = decode_rgb(JPEG, (640, 480))
    assert half.shape == (480, 640, 4)
    # byte order of QImage.Format_RGB32 on little-endian: B, G, R, 0xFF
    assert abs(int(half[..., 2].mean()) - colour(3)) <= 3 and int(half[..., 3].min()) == 255


def test_broken_jpeg_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError, match="broken JPEG"):
        decode_rgb(JPEG[: len(JPEG) // 3] + b"\x00" * 10, (640, 480))


def test_a_header_claiming_a_huge_picture_is_refused_before_decoding() -> None:
    """A 200-byte JPEG whose header says 60000 x 60000 made the decoder allocate and touch
    13.8 GB for 42 s before failing; a device or URL must not be able to do that."""
    with pytest.raises(ProtocolError, match="60000×60000 pixels is larger than the viewer"):
        decode_rgb(claiming(60000, 60000), (640, 480))
    assert jpeg_size(claiming(7680, 4320)) == (7680, 4320)  # an 8K camera still plays
    with pytest.raises(ProtocolError, match="larger than the viewer"):
        jpeg_size(claiming(7680, 4321))


def claiming(width: int, height: int) -> bytes:
    """A small JPEG whose header says it is ``width`` x ``height``."""
    data = bytearray(make_jpeg(0, 64, 48))
    sof = data.find(b"\xff\xc0")
    data[sof + 5:sof + 9] = height.to_bytes(2, "big") + width.to_bytes(2, "big")
    return bytes(data)
