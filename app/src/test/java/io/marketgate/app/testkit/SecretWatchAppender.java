package io.marketgate.app.testkit;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;

/** Hands every log event of the test JVM, message and exception, to {@link SecretWatch}. */
public final class SecretWatchAppender extends AppenderBase<ILoggingEvent> {
  @Override
  protected void append(ILoggingEvent event) {
    StringBuilder text =
        new StringBuilder(event.getFormattedMessage() == null ? "" : event.getFormattedMessage());
    event.getMDCPropertyMap().values().forEach(v -> text.append(' ').append(v));
    for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
      text.append('\n').append(t.getClassName()).append(": ").append(t.getMessage());
      for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray())
        text.append('\n').append(frame.getSTEAsString());
    }
    SecretWatch.inspect("log of " + event.getLoggerName(), text);
  }
}
