"""Writers of translated articles: JSONL, Markdown, TMX 1.4, XLIFF 2.1 and plain text.

Each writer turns plain data (`ExportArticle`) into bytes; `files.py` puts them on disk
atomically under safe names. Nothing here touches the store or the engines.
"""
