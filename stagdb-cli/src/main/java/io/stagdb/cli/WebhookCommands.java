package io.stagdb.cli;

import io.stagdb.api.Dto;
import io.stagdb.client.StagDbClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stagdb webhooks create|list|delete|deliveries}. */
@Command(name = "webhooks", mixinStandardHelpOptions = true, description = "Webhooks: signed HTTP calls on database, "
    + "snapshot and branch events.", subcommands = {WebhookCommands.Create.class, WebhookCommands.ListAll.class,
        WebhookCommands.Delete.class, WebhookCommands.Deliveries.class})
final class WebhookCommands extends CommandGroup {

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Subscribe a URL to events; without "
      + "--secret-file a secret is generated and shown once.")
  static final class Create extends UserCommand {
    @Parameters(paramLabel = "URL")
    String url;

    @Option(names = "--event", required = true, paramLabel = "TYPE", description = "an event type, e.g. "
        + "database.created, branch.created, snapshot.created (repeatable)")
    List<String> events;

    @Option(names = "--secret-file", paramLabel = "FILE", description = "the signing secret, read from this file")
    Path secretFile;

    @Override
    int run(StagDbClient client, Output out) {
      String secret = null;
      if (secretFile != null) {
        try {
          secret = Files.readString(secretFile).strip();
        } catch (IOException e) {
          throw new IllegalArgumentException("cannot read the secret file " + secretFile + ": " + e.getMessage());
        }
      }
      Dto.Webhook w = client.createWebhook(new Dto.CreateWebhook(url, events, secret));
      out.print(w, () -> out.fields(List.of(new String[] {"id", w.id()}, new String[] {"url", w.url()},
          new String[] {"events", String.join(", ", w.events())},
          new String[] {"secret", w.secret() == null ? null : w.secret() + "   (shown once: keep it)"})));
      return ExitCodes.OK;
    }
  }

  @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List webhook subscriptions.")
  static final class ListAll extends UserCommand {
    @Override
    int run(StagDbClient client, Output out) {
      List<Dto.Webhook> all = client.webhooks();
      out.print(all, () -> out.table(List.of("ID", "URL", "EVENTS", "CREATED"), all.stream()
          .map(w -> List.of(w.id(), w.url(), String.join(",", w.events()), out.ago(w.createdAt()))).toList()));
      return ExitCodes.OK;
    }
  }

  @Command(name = "delete", aliases = "rm", mixinStandardHelpOptions = true, description = "Delete a subscription.")
  static final class Delete extends UserCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    int run(StagDbClient client, Output out) {
      client.deleteWebhook(id);
      out.say("webhook " + id + " deleted");
      return ExitCodes.OK;
    }
  }

  @Command(name = "deliveries", mixinStandardHelpOptions = true, description = "The newest deliveries of a subscription.")
  static final class Deliveries extends UserCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "how many (default 20, at most 500)")
    int limit;

    @Override
    int run(StagDbClient client, Output out) {
      List<Dto.Delivery> all = client.deliveries(id, limit, 0).items();
      out.print(all, () -> out.table(List.of("ID", "EVENT", "STATUS", "ATTEMPTS", "LAST ANSWER", "UPDATED"), all.stream()
          .map(d -> List.of(d.id(), d.type(), d.status(), Integer.toString(d.attempts()),
              d.lastStatusCode() != null ? "HTTP " + d.lastStatusCode() : d.lastError() == null ? "" : d.lastError(),
              out.ago(d.updatedAt()))).toList()));
      return ExitCodes.OK;
    }
  }
}
