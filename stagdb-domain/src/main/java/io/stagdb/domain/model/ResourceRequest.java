package io.stagdb.domain.model;

/** Resources as a user asked for them, each optional ({@code null}): {@code memory "1g"}, {@code cpu "1.5"}, {@code storage "10g"}. */
public record ResourceRequest(String memory, String cpu, String storage) {
  public static final ResourceRequest DEFAULTS = new ResourceRequest(null, null, null);
}
