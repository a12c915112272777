package io.tally.serving.resources;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The live dashboard's page at {@code /}. Its scripts and styles are static assets under {@code
 * /ui/} (the {@code ui} resource folder); the page reads only the public API.
 */
@Path("/")
public class DashboardResource {
  /** Where the dashboard's files are on the classpath, and the URL path they are served at. */
  public static final String ASSETS = "/ui";

  private final byte[] page;

  public DashboardResource() {
    try (InputStream in = DashboardResource.class.getResourceAsStream(ASSETS + "/index.html")) {
      if (in == null) {
        throw new IllegalStateException("the dashboard page is missing from the classpath");
      }
      page = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @GET
  @Produces(MediaType.TEXT_HTML + ";charset=utf-8")
  public byte[] page() {
    return page;
  }
}
