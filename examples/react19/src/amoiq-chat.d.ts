// <amoiq-chat> in JSX: its properties, attributes and on<event> handlers (React 19).
import type {} from 'amoiq-chat/types/jsx';
