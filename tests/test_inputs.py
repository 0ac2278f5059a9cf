import codecs

import pytest

from pipeline.errors import BadInputError
from pipeline.inputs import decode_text

TEXT = "西城街道亮出实干“成绩单”，2023年。"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("gb18030"),
        TEXT.encode("gbk"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le", "utf-16-be", "gb18030", "gbk"],
)
def test_encodings_are_detected(data):
    assert decode_text(data) == TEXT


def test_explicit_encoding_is_used():
    assert decode_text("報紙".encode("big5"), "big5") == "報紙"


def test_wrong_explicit_encoding_says_what_to_do():
    with pytest.raises(BadInputError, match="--encoding"):
        decode_text(TEXT.encode("gb18030"), "utf-8")
