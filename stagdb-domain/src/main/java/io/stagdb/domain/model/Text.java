package io.stagdb.domain.model;

/** Small text helpers for error messages. */
final class Text {
  private Text() {
  }

  /** Echoes user input back safely: at most 40 characters, control characters replaced. */
  static String shorten(String value) {
    String clean = value.replaceAll("\\p{Cntrl}", "?");
    return clean.length() <= 40 ? clean : clean.substring(0, 40) + "...";
  }
}
