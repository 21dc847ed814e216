package io.stagdb.domain.port.out;

/** Told how far a copy from a live source has got; called from the copy's threads. */
public interface ImportListener {
  /** A new phase has begun, e.g. {@code dump} or {@code restore}; its objects are counted afresh. */
  void phase(String phase);

  /** One more table (collection) is done in the current phase. */
  void objectDone();
}
