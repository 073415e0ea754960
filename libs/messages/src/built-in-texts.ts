import { BuiltInKind } from './template-kinds';
import { BUILT_IN_LANGUAGES, BuiltInLanguage, languageOf } from './message-variables';

/** A text to render: the body, and the subject an email carries. Both are templates. */
export interface MessageText {
  subject: string | null;
  body: string;
}

/*
 * Herald's own texts, written in the same templates merchants write (see template-engine), in English, French,
 * Spanish and Arabic. A merchant's template of the same kind and language replaces them.
 */
const greeting = (hello: string, comma = ',') => `{{#customerName}}${hello} {{customerName}}${comma} {{/customerName}}`;

export const BUILT_IN_TEXTS: Record<BuiltInLanguage, Record<BuiltInKind, { subject: string; body: string }>> = {
  en: {
    confirmation: {
      subject: '{{shopName}}: order {{reference}} confirmed',
      body: `${greeting('Hi')}{{shopName}} has your order {{reference}}. Pickup {{pickupWhen}}.`,
    },
    reminder: {
      subject: '{{shopName}}: order {{reference}} is ready {{pickupWhen}}',
      body: `${greeting('Hi')}your order {{reference}} from {{shopName}} is ready {{pickupWhen}}.`,
    },
    reminder_moved: {
      subject: '{{shopName}}: new pickup time for order {{reference}}',
      body: `${greeting('Hi')}the pickup of your order {{reference}} from {{shopName}} has moved: it is now ready {{pickupWhen}}.`,
    },
  },
  fr: {
    confirmation: {
      subject: '{{shopName}} : commande {{reference}} confirmée',
      body: `${greeting('Bonjour')}{{shopName}} a bien reçu votre commande {{reference}}. Retrait {{pickupWhen}}.`,
    },
    reminder: {
      subject: '{{shopName}} : commande {{reference}} prête {{pickupWhen}}',
      body: `${greeting('Bonjour')}votre commande {{reference}} chez {{shopName}} sera prête {{pickupWhen}}.`,
    },
    reminder_moved: {
      subject: '{{shopName}} : nouvel horaire de retrait pour la commande {{reference}}',
      body: `${greeting('Bonjour')}le retrait de votre commande {{reference}} chez {{shopName}} a changé : elle sera prête {{pickupWhen}}.`,
    },
  },
  es: {
    confirmation: {
      subject: '{{shopName}}: pedido {{reference}} confirmado',
      body: `${greeting('Hola')}{{shopName}} ha recibido tu pedido {{reference}}. Recogida {{pickupWhen}}.`,
    },
    reminder: {
      subject: '{{shopName}}: tu pedido {{reference}} estará listo {{pickupWhen}}',
      body: `${greeting('Hola')}tu pedido {{reference}} de {{shopName}} estará listo {{pickupWhen}}.`,
    },
    reminder_moved: {
      subject: '{{shopName}}: nueva hora de recogida del pedido {{reference}}',
      body: `${greeting('Hola')}la recogida de tu pedido {{reference}} de {{shopName}} ha cambiado: estará listo {{pickupWhen}}.`,
    },
  },
  ar: {
    confirmation: {
      subject: '{{shopName}}: تم تأكيد الطلب {{reference}}',
      body: `${greeting('مرحبًا', '،')}استلم {{shopName}} طلبك {{reference}}. موعد الاستلام {{pickupWhen}}.`,
    },
    reminder: {
      subject: '{{shopName}}: طلبك {{reference}} جاهز {{pickupWhen}}',
      body: `${greeting('مرحبًا', '،')}طلبك {{reference}} من {{shopName}} جاهز {{pickupWhen}}.`,
    },
    reminder_moved: {
      subject: '{{shopName}}: موعد استلام جديد للطلب {{reference}}',
      body: `${greeting('مرحبًا', '،')}تغيّر موعد استلام طلبك {{reference}} من {{shopName}}: سيكون جاهزًا {{pickupWhen}}.`,
    },
  },
};

/** The built-in language of a locale (`fr-CA` → `fr`), or null when Herald has no texts in it. */
export function builtInLanguageOf(locale: string): BuiltInLanguage | null {
  const language = languageOf(locale);
  return (BUILT_IN_LANGUAGES as readonly string[]).includes(language) ? (language as BuiltInLanguage) : null;
}
