/**
 * Single entry point for `@peculiar/x509`: its CommonJS build (the one Node resolves) uses tsyringe,
 * which needs the `reflect-metadata` polyfill loaded first. Import x509 from here, never directly.
 */
import 'reflect-metadata';
export * from '@peculiar/x509';
