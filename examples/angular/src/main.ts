import 'amoiq-chat/define';
import { provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { AppComponent } from './app/app.component';

window.amoiqLog = [];
bootstrapApplication(AppComponent, { providers: [provideZonelessChangeDetection()] }).catch((err: unknown) => console.error(err));
