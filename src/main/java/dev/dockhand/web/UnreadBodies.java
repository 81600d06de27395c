package dev.dockhand.web;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads and drops what a handler left of the request body (a 401 or 404 answered before the
 * body was read) before the response is written. Otherwise Jetty, finding unread input after the
 * response was committed as keep-alive, closes the connection under a client about to reuse it.
 * A body too large to drain cheaply ends the connection honestly with {@code Connection: close}.
 */
final class UnreadBodies {
  private UnreadBodies() {}

  static void drain(Context ctx, long limit) {
    if (ctx.req().getContentLengthLong() == 0) {
      return;
    }
    try {
      InputStream in = ctx.req().getInputStream();
      byte[] buffer = new byte[8192];
      long read = 0;
      int count;
      while ((count = in.read(buffer)) >= 0) {
        read += count;
        if (read > limit) {
          ctx.header("Connection", "close");
          return;
        }
      }
    } catch (IOException | IllegalStateException e) {
      ctx.header("Connection", "close");
    }
  }
}
