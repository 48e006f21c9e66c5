//! Stub: expression evaluation.
