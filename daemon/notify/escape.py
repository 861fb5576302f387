"""Text from an email, made inert for a chat message.

Item titles and every other word a notification repeats from an email were
written by whoever sent it. In a family chat they must stay words: no live link,
no markup, nobody pinged. So, for every target:

- mentions are broken with a zero-width space after the "@" ("@everyone",
  "@here", "@channel", "@someone"), and "<" and ">" become the single angle
  quotation marks U+2039 and U+203A, which look alike and end
  Discord's "<@123>", Slack's "<!channel>", HTML tags and "<https://...>" alike;
- links are broken where apps detect them: after the scheme's colon ("https:⁠//")
  and after a dot that starts a name ("evil.⁠example"), so no app sees a URL;
- line breaks become spaces, so a title cannot start a line of its own;

and for Markdown targets the characters Markdown gives meaning to are escaped
with a backslash, so "[Verify](...)" or "**URGENT**" shows as written. The
zero-width space (U+200B) is invisible where the message is read.
"""

from __future__ import annotations

import re

_ZWSP = "\u200b"
_ANGLES = str.maketrans({"<": "\u2039", ">": "\u203a", "\r": " ", "\n": " "})
_MENTION = re.compile(r"@(?=\w)")
_SCHEME = re.compile(r"(?<=[A-Za-z]):(?=//)")
_NAME_DOT = re.compile(r"(?<=\w)\.(?=[^\W\d_])")
_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_[]()#|~"})


def inert(text: str, *, markdown: bool) -> str:
    """`text` as a notification may show it (see the module docstring)."""
    text = text.translate(_ANGLES)
    text = _MENTION.sub("@" + _ZWSP, text)
    text = _SCHEME.sub(":" + _ZWSP, text)
    text = _NAME_DOT.sub("." + _ZWSP, text)
    return text.translate(_MARKDOWN) if markdown else text
