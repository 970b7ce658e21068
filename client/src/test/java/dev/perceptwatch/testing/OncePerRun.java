package dev.perceptwatch.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves parameters of one type from a server started once for the whole test run, by the first test that
 * asks for it, and shared by every test after it: the root store it is kept in lives as long as the test
 * plan and closes it at the end.
 *
 * @param <S> the started server, closed at the end of the run
 */
public abstract class OncePerRun<S extends AutoCloseable> implements ParameterResolver {

  private final Class<?> parameterType;
  private final Class<S> serverType;

  protected OncePerRun(Class<?> parameterType, Class<S> serverType) {
    this.parameterType = parameterType;
    this.serverType = serverType;
  }

  /** Starts the server; called once per test run. */
  protected abstract S start();

  /** What a test's parameter gets of the server: the server itself unless said otherwise. */
  protected Object parameter(S server) {
    return server;
  }

  @Override
  public final boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == parameterType;
  }

  @Override
  public final Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter(context.getRoot().getStore(ExtensionContext.Namespace.create(getClass()))
        .getOrComputeIfAbsent(serverType, key -> start(), serverType));
  }
}
