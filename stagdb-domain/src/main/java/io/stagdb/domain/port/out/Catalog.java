package io.stagdb.domain.port.out;

import io.stagdb.domain.model.Event;
import java.util.List;
import java.util.function.Function;

/**
 * The durable record of databases, snapshots and lineage, with an outbox of events for webhooks.
 *
 * <pre>{@code
 * catalog.transact(tx -> {
 *   tx.update(database.withStatus(RUNNING, null, now));
 *   tx.emit(Event.of(DATABASE_STARTED, now, Map.of("name", "my-app-db")));
 *   return null;
 * });   // both or neither
 * }</pre>
 */
public interface Catalog extends CatalogReader {

  /** Runs {@code work} as one atomic, isolated unit; an exception rolls everything back. */
  <T> T transact(Function<CatalogTransaction, T> work);

  /** Events not yet marked delivered, oldest first, at most {@code limit}. */
  List<Event> pendingEvents(int limit);

  /** Removes an event from the outbox once every subscriber has it. */
  void markDispatched(String eventId);
}
