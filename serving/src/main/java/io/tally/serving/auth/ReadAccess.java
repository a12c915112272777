package io.tally.serving.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a read of the query API: it needs the {@link Roles#READER} role when the configuration says
 * reads need credentials ({@code auth.readsNeedCredentials}), and is open otherwise. A role fixed
 * in {@code @RolesAllowed} could not depend on the configuration; see {@link ReadAccessFeature}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ReadAccess {}
