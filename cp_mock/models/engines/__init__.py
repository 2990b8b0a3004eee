"""The engines under the operations (pure code, no operations): the key index, segment
rules and SQL, calculated values, filter expressions, comparisons, recommendation and
matching engines."""
