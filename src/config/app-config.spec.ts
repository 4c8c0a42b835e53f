import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_JWT_SECRET, isLoopbackHost, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('uses the embedded defaults: loopback, port 8000, ./data', () => {
    const config = loadConfig({});
    expect(config.server.host).toBe('127.0.0.1');
    expect(config.server.port).toBe(8000);
    expect(config.storage.dataDir).toMatch(/\/data$/);
    expect(config.server.trustedProxies).toEqual([]);
  });

  it('lets the environment override defaults, with types coerced', () => {
    const config = loadConfig({ HOST: '0.0.0.0', PORT: '9001', TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.1', DISABLED_ENGINES: 'tensorrt' });
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.server.port).toBe(9001);
    expect(config.server.trustedProxies).toEqual(['10.0.0.0/8', '192.168.1.1']);
    expect(config.engines.disabled).toEqual(['tensorrt']);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['MAX_MODEL_BYTES', '-5'],
    ['LOG_LEVEL', 'loud'],
    ['NODE_ENV', 'staging'],
  ])('a bad %s=%s stops the boot and names the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrowError(new RegExp(name));
  });

  it('refuses production with the default or an empty JWT secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrowError(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: DEFAULT_JWT_SECRET })).toThrowError(/JWT_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: '' })).toThrowError(/JWT_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short-secret' })).toThrowError(/at least 32/);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'a-real-secret-of-a-decent-length-0123' }).nodeEnv).toBe('production');
  });

  it('refuses the once-shipped default secret in every environment, and leaves an empty one to be generated outside production', () => {
    expect(() => loadConfig({ NODE_ENV: 'development', JWT_SECRET: DEFAULT_JWT_SECRET })).toThrowError(/JWT_SECRET/);
    expect(loadConfig({ NODE_ENV: 'development' }).auth.jwtSecret).toBe('');
  });

  it('reports an unreadable CONFIG_FILE', () => {
    expect(() => loadConfig({ CONFIG_FILE: '/nonexistent/modelport.yaml' })).toThrowError(/Cannot read config file/);
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['localhost', true],
    ['::1', true],
    ['0.0.0.0', false],
    ['10.1.2.3', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});
