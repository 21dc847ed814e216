package io.stagdb.domain.port.out;

import io.stagdb.domain.model.Event;

/** Where events go: the catalog's outbox, inside the transaction of the change they describe. */
public interface EventSink {
  void emit(Event event);
}
