import { Injectable } from '@nestjs/common';

/** The current time, behind a class so services can be tested with a fixed or moving clock. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
