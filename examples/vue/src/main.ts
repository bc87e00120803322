import 'amoiq-chat/define';
import { createApp } from 'vue';
import App from './App.vue';

window.amoiqLog = [];
createApp(App).mount('#app');
