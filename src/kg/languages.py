"""The languages the project writes its labels in, as BCP 47 tags in their registered case
(RFC 5646, 2.1.1: tags are case-insensitive; this is how the IANA registry writes them)."""

LANGUAGES = ("zh-Hans", "zh-Hant", "en")
