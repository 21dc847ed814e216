package io.stagdb.server.config;

/** Configuration that cannot be used; the message names the key and what is allowed. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
