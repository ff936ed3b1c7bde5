"""Review helpers over plain strings: quality flags, edit effort and diffs, translation memory files."""
