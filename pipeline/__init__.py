"""newsreflow: scanned newspaper pages and newspaper OCR text into clean paragraphs in reading order."""

__version__ = "0.1.0"
