"""The workspace database schema, as numbered migrations.

`PRAGMA user_version` records how many migrations a database has had; a database from a newer
workbench is refused rather than written to.
"""

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        outlet TEXT,
        language TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        encoding TEXT NOT NULL,
        revision INTEGER NOT NULL DEFAULT 1,
        imported_at TEXT NOT NULL
    );
    CREATE TABLE blocks (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('body', 'boilerplate')),
        reason TEXT NOT NULL,
        language TEXT NOT NULL,
        is_title INTEGER NOT NULL DEFAULT 0,
        text TEXT NOT NULL
    );
    CREATE INDEX blocks_article ON blocks(article_id, position);
    CREATE TABLE segments (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        block_id INTEGER NOT NULL REFERENCES blocks(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        source TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'untranslated'
            CHECK (status IN ('untranslated', 'mt', 'edited', 'approved')),
        target TEXT,        -- the human text; NULL while the machine translation is current
        mt_key TEXT,        -- which machine translation (see translations) is current
        updated_at TEXT NOT NULL
    );
    CREATE INDEX segments_article ON segments(article_id);
    CREATE INDEX segments_block ON segments(block_id, position);
    -- The machine-translation cache: one row per source text and engine configuration.
    CREATE TABLE translations (
        mt_key TEXT NOT NULL,
        source TEXT NOT NULL,
        target TEXT NOT NULL,
        score REAL NOT NULL,
        alignment TEXT NOT NULL,
        tokens INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (mt_key, source)
    );
    -- A segment's history; kept when its segment disappears in a later revision.
    CREATE TABLE edits (
        id INTEGER PRIMARY KEY,
        segment_id INTEGER REFERENCES segments(id) ON DELETE SET NULL,
        article_id INTEGER,
        source TEXT NOT NULL,
        old_target TEXT,
        new_target TEXT,
        old_status TEXT NOT NULL,
        new_status TEXT NOT NULL,
        reviewer TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX edits_segment ON edits(segment_id);
    -- Content hashes of model directories, keyed by a cheap stat signature of their files.
    CREATE TABLE model_hashes (
        path TEXT PRIMARY KEY,
        signature TEXT NOT NULL,
        sha256 TEXT NOT NULL
    );
    """,
    """
    -- Summaries, keyed by article and settings; `text_hash` is the hash of the exact text
    -- summarised, so an edit makes the stored summary stale.
    CREATE TABLE summaries (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        settings_key TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (article_id, settings_key)
    );
    """,
    """
    -- Review: the needs-work state, a human text's own word alignment, a version per segment
    -- (a save based on an older version is a conflict), where a human text came from. SQLite
    -- cannot change a CHECK constraint in place, so the table is rebuilt (foreign keys are off
    -- while migrations run, so history rows keep their segment ids).
    CREATE TABLE segments_new (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        block_id INTEGER NOT NULL REFERENCES blocks(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        source TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'untranslated'
            CHECK (status IN ('untranslated', 'mt', 'edited', 'approved', 'needs-work')),
        target TEXT,        -- the human text; NULL while the machine translation is current
        mt_key TEXT,        -- which machine translation (see translations) was given last
        origin TEXT,        -- 'tm' when the human text came from the translation memory
        alignment TEXT,     -- word alignment of the human text (JSON); NULL while stale
        human_score REAL,   -- the model's mean log-probability of the human text
        version INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL
    );
    INSERT INTO segments_new (id, article_id, block_id, position, source, status, target, mt_key,
                              updated_at)
        SELECT id, article_id, block_id, position, source, status, target, mt_key, updated_at
        FROM segments;
    DROP TABLE segments;
    ALTER TABLE segments_new RENAME TO segments;
    CREATE INDEX segments_article ON segments(article_id);
    CREATE INDEX segments_block ON segments(block_id, position);
    CREATE INDEX segments_source ON segments(source);
    -- The translation memory: approved pairs and pairs imported from TMX files.
    CREATE TABLE memory (
        source TEXT NOT NULL,
        target TEXT NOT NULL,
        origin TEXT NOT NULL,   -- 'approved' or 'tmx:<file name>'
        reviewer TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (source, target)
    );
    INSERT OR IGNORE INTO memory (source, target, origin, reviewer, at)
        SELECT source, target, 'approved', 'workbench', updated_at FROM segments
        WHERE status = 'approved';
    -- Texts kept beside a segment: a reviewer's save that found the segment changed underneath.
    CREATE TABLE suggestions (
        id INTEGER PRIMARY KEY,
        segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        origin TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX suggestions_segment ON suggestions(segment_id);
    """,
    """
    -- Workspace facts: its target language, fixed once reviewers have written in it.
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    """
    -- Revisions keep human work: a segment whose sentence leaves the file is retired (block_id
    -- NULL) instead of deleted, with its text, status, version and history, and comes back
    -- when a later revision has the sentence again. Rebuilt as in migration 3.
    CREATE TABLE segments_new (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        block_id INTEGER REFERENCES blocks(id) ON DELETE CASCADE,  -- NULL: retired
        position INTEGER NOT NULL,
        source TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'untranslated'
            CHECK (status IN ('untranslated', 'mt', 'edited', 'approved', 'needs-work')),
        target TEXT,
        mt_key TEXT,
        origin TEXT,
        alignment TEXT,
        human_score REAL,
        version INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL
    );
    INSERT INTO segments_new SELECT id, article_id, block_id, position, source, status, target,
        mt_key, origin, alignment, human_score, version, updated_at FROM segments;
    DROP TABLE segments;
    ALTER TABLE segments_new RENAME TO segments;
    CREATE INDEX segments_article ON segments(article_id);
    CREATE INDEX segments_block ON segments(block_id, position);
    CREATE INDEX segments_source ON segments(source);
    CREATE INDEX edits_article_source ON edits(article_id, source);
    """,
    """
    -- Articles from the web (issue 18): where the page lives, who wrote it and when, and the
    -- bytes last fetched for an article imported by URL (its path is the URL asked for).
    ALTER TABLE articles ADD COLUMN url TEXT;
    ALTER TABLE articles ADD COLUMN author TEXT;
    ALTER TABLE articles ADD COLUMN published TEXT;  -- YYYY-MM-DD as the page states it
    CREATE INDEX articles_url ON articles(url);
    CREATE TABLE pages (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        final_url TEXT NOT NULL,      -- after redirects
        redirects TEXT NOT NULL,      -- JSON list of the addresses passed through
        content_type TEXT,
        fetched_at TEXT NOT NULL,
        body BLOB NOT NULL
    );
    """,
    """
    -- Texts a reviewer typed and has not saved yet: kept until saved or discarded, so a crash
    -- or a failed save loses none (store/drafts.py).
    CREATE TABLE drafts (
        segment_id INTEGER PRIMARY KEY REFERENCES segments(id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        base_version INTEGER NOT NULL,  -- the segment's version the text was typed over
        at TEXT NOT NULL
    );
    -- Undo and redo are history rows too, marked with the row they step over, so repeated
    -- undos walk back to the machine translation instead of toggling (store/undo.py).
    ALTER TABLE edits ADD COLUMN step TEXT CHECK (step IN ('undo', 'redo'));
    ALTER TABLE edits ADD COLUMN step_of INTEGER;
    """,
    """
    -- The memory's pairs carry their languages (NULL: unknown), so that `workbench adapt` trains
    -- a de-en model on de-en pairs only. Approved pairs take the language of their segment's
    -- block (or article) and the workspace's target language; imported pairs stay unknown.
    ALTER TABLE memory ADD COLUMN source_language TEXT;
    ALTER TABLE memory ADD COLUMN target_language TEXT;
    UPDATE memory SET
        source_language = (
            SELECT COALESCE(NULLIF(b.language, 'und'), a.language) FROM segments s
            JOIN articles a ON a.id = s.article_id LEFT JOIN blocks b ON b.id = s.block_id
            WHERE s.source = memory.source AND s.target = memory.target AND s.status = 'approved'
            ORDER BY s.id LIMIT 1),
        target_language = (SELECT value FROM meta WHERE key = 'target_language')
        WHERE origin = 'approved';
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)
