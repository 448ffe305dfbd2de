"""The decoders (Pillow's, and Qt's the window uses): power-of-two DCT scaling only, 32-bit
pixels that QImage paints as they are."""

from __future__ import annotations

import pytest

from configurator.core.errors import ProtocolError
from configurator.live.decode import decode_rgb, jpeg_size, scale_floor
from configurator.ui.live.qt_decode import decode_qimage

from .mjpeg_server import colour, make_jpeg

JPEG = make_jpeg(3, 1280, 960)
DECODERS = pytest.mark.parametrize("decode", [decode_rgb, decode_qimage],
                                   ids=["pillow", "qt"])


@pytest.mark.parametrize(("view", "expected"), [
    ((640, 480), {"min_width": 640, "min_height": 480}),  # 1/2
    ((800, 600), {}),  # 5/8 would be slower than full size: full size
    ((300, 200), {"min_width": 320, "min_height": 240}),  # 1/4
    ((100, 50), {"min_width": 160, "min_height": 120}),  # 1/8 is the smallest
    ((1920, 1080), {}), ((0, 0), {}),
])
def test_scale_floor_picks_only_power_of_two_scales(view, expected) -> None:
    assert scale_floor(jpeg_size(JPEG), view) == expected


@DECODERS
def test_decode_gives_rgb32_pixels_at_the_view_scale(decode) -> None:
    picture, cpu = decode(JPEG, (800, 600))
    assert (picture.width, picture.height, picture.stride) == (1280, 960, 1280 * 4)
    assert len(memoryview(picture.pixels).cast("B")) == 1280 * 4 * 960 and cpu > 0
    half, _ = decode(JPEG, (640, 480))
    assert (half.width, half.height) == (640, 480)
    # byte order of QImage.Format_RGB32 on little-endian: B, G, R, 0xFF
    pixels = bytes(memoryview(half.pixels).cast("B"))
    assert abs(sum(pixels[2::4]) // (640 * 480) - colour(3)) <= 3
    assert set(pixels[3::4]) == {255}


@DECODERS
def test_broken_jpeg_is_a_protocol_error(decode) -> None:
    with pytest.raises(ProtocolError, match="broken JPEG"):
        decode(JPEG[: len(JPEG) // 3] + b"\x00" * 10, (640, 480))
    with pytest.raises(ProtocolError, match="broken JPEG"):
        decode(b"<html>not a picture</html>", None)
    damaged = bytearray(JPEG)
    damaged[len(JPEG) // 2:len(JPEG) // 2 + 4000] = b"\xff" * 4000  # the end marker stays
    try:
        picture, _ = decode(bytes(damaged), None)
    except ProtocolError as exc:
        assert "broken JPEG" in str(exc)
    else:  # libjpeg may recover: a whole picture then, never a crash
        assert (picture.width, picture.height) == (1280, 960)


def test_a_header_claiming_a_huge_picture_is_refused_before_decoding() -> None:
    """A 200-byte JPEG whose header says 60000 x 60000 made the decoder allocate and touch
    13.8 GB for 42 s before failing; a device or URL must not be able to do that."""
    for decode in (decode_rgb, decode_qimage):
        with pytest.raises(ProtocolError, match="60000×60000 pixels is larger than the viewer"):
            decode(claiming(60000, 60000), (640, 480))
    assert jpeg_size(claiming(7680, 4320)) == (7680, 4320)  # an 8K camera still plays
    with pytest.raises(ProtocolError, match="larger than the viewer"):
        jpeg_size(claiming(7680, 4321))


def claiming(width: int, height: int) -> bytes:
    """A small JPEG whose header says it is ``width`` x ``height``."""
    data = bytearray(make_jpeg(0, 64, 48))
    sof = data.find(b"\xff\xc0")
    data[sof + 5:sof + 9] = height.to_bytes(2, "big") + width.to_bytes(2, "big")
    return bytes(data)


@DECODERS
def test_a_grey_jpeg_becomes_rgb32_too(decode) -> None:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (64, 48), 200).save(out, "JPEG")
    picture, _ = decode(out.getvalue(), None)
    pixels = bytes(memoryview(picture.pixels).cast("B"))
    assert (picture.width, picture.height, len(pixels)) == (64, 48, 64 * 48 * 4)
    assert all(abs(value - 200) <= 2 for value in set(pixels[0::4]) | set(pixels[2::4]))
    assert set(pixels[3::4]) == {255}


@DECODERS
def test_a_frame_gives_its_red_green_blue_bytes(decode) -> None:
    from configurator.live.frames import DecodedFrame

    picture, _ = decode(JPEG, (300, 200))
    rgb = DecodedFrame(picture, 1, 0.0, 0.0, 0.0).rgb
    assert len(rgb) == 3 * 320 * 240
    assert abs(sum(rgb[0::3]) // (320 * 240) - colour(3)) <= 3
