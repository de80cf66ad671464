package io.marketgate.app.provider;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;

/**
 * A provider key as the operations endpoints show it: masked to its last 4 characters, with its
 * state ({@code active}, {@code cooling}, {@code disabled}) and use on this node.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record KeyStatus(
    String key,
    String state,
    long uses,
    long rateLimited,
    Instant coolingUntil,
    String disabledReason,
    Instant lastUsed) {}
