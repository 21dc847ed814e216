package io.stagdb.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * "Production" PostgreSQL data for the import tests: schemas, a sequence, a large table with a trigram
 * index, a large object and an extension; and its fingerprint, what must arrive: every table's row
 * count and checksum, the sequence, the large object and the extension.
 */
final class ProductionData {
  private ProductionData() {
  }

  /** Fills a database with {@code orders} orders (and the rest). */
  static void fill(Connection c, int orders) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("""
          CREATE EXTENSION pg_trgm;
          CREATE SCHEMA sales; CREATE SCHEMA archive;
          CREATE SEQUENCE sales.order_no START 1000;
          CREATE TABLE sales.customers (id int PRIMARY KEY, name text NOT NULL);
          CREATE TABLE sales.orders (no bigint PRIMARY KEY DEFAULT nextval('sales.order_no'),
            customer int REFERENCES sales.customers, amount numeric(12,2), note text);
          CREATE INDEX orders_note_trgm ON sales.orders USING gin (note gin_trgm_ops);
          CREATE TABLE archive.events (at timestamptz, payload jsonb);
          INSERT INTO sales.customers SELECT g, 'customer ' || g FROM generate_series(1, 2000) g;
          """);
      s.execute("INSERT INTO sales.orders (customer, amount, note) SELECT 1 + g % 2000, (g % 997) * 1.25, md5(g::text) "
          + "FROM generate_series(1, " + orders + ") g");
      s.execute("""
          INSERT INTO archive.events SELECT timestamptz '2026-01-01' + g * interval '1 minute', jsonb_build_object('n', g)
            FROM generate_series(1, 50000) g;
          SELECT lo_from_bytea(0, convert_to(repeat('large object ', 100000), 'UTF8'));
          """);
    }
  }

  static List<String> fingerprint(Connection c) throws SQLException {
    List<String> facts = new ArrayList<>();
    for (String table : List.of("sales.orders", "sales.customers", "archive.events")) {
      facts.add(table + " " + query(c, "SELECT count(*) || ' ' || md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))"
          + " FROM " + table + " t"));
    }
    facts.add("sequence " + query(c, "SELECT last_value FROM sales.order_no"));
    facts.add("large object " + query(c, "SELECT md5(string_agg(data, ''::bytea ORDER BY pageno)) FROM pg_largeobject"));
    facts.add("extension " + query(c, "SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'"));
    return facts;
  }

  static String query(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }
}
