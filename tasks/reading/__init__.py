"""Reading a page: bytes to text (charsets), raw-markup scans, metadata, and the story's paragraphs
with boilerplate dropped.
"""
